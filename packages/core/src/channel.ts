import { z } from 'zod';

export const CHANNELS = ['email', 'print', 'web', 'sms', 'archive'] as const;
export const ZChannel = z.enum(CHANNELS);
export type TChannel = z.infer<typeof ZChannel>;
