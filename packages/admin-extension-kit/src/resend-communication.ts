import { appRoutes } from './app-routes.ts';
import { requestAppJson } from './request-app-json.ts';
import { ZResendResponse, type TResendResponse } from './timeline-entry.ts';

export type ResendCommunicationOptions = { fetch?: typeof fetch; signal?: AbortSignal };

/** Asks the app for a new attempt of a communication; answers the new attempt's id. */
export async function resendCommunication(orderId: string, communicationId: string, options: ResendCommunicationOptions = {}): Promise<TResendResponse> {
  return requestAppJson(appRoutes.resend(orderId), ZResendResponse, {
    ...options,
    method: 'POST',
    body: { communicationId },
    subject: 'Resending the communication',
  });
}
