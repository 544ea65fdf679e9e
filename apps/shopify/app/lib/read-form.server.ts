const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

export type ReadFormResult = { ok: true; form: FormData } | { ok: false; status: 400 | 415; code: 'UNSUPPORTED_MEDIA_TYPE' | 'MALFORMED_BODY'; message: string };

/**
 * `request.formData()` for Remix actions, without its TypeError on a body that is not a form
 * (JSON, XML, text, no content type, multipart without a boundary): that is the client's mistake,
 * so it becomes a 415 or a 400 that names it instead of a 500.
 */
export async function readForm(request: Request): Promise<ReadFormResult> {
  const contentType = request.headers.get('Content-Type');
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!FORM_TYPES.includes(mediaType)) {
    return {
      ok: false,
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: `Expected a form body (${FORM_TYPES.join(' or ')}), got ${mediaType ? mediaType.slice(0, 100) : 'no Content-Type'}`,
    };
  }
  try {
    return { ok: true, form: await request.formData() };
  } catch {
    const why = mediaType === 'multipart/form-data' && !/boundary=/i.test(contentType ?? '') ? ' (multipart body without a boundary)' : '';
    return { ok: false, status: 400, code: 'MALFORMED_BODY', message: `The form body could not be parsed${why}` };
  }
}
