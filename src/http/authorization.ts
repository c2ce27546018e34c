/**
 * What `authorize` answers. Only `true` lets a request through; `'forbidden'` is answered 403, and
 * `false`, `'unauthenticated'` or anything else 401.
 */
export type AuthorizationResult = boolean | 'unauthenticated' | 'forbidden';

/**
 * Decides whether a request may use the handler: the JSON API and the activity log alike. It sees
 * the request before anything else does and must not read its body.
 */
export type Authorize = (request: Request) => AuthorizationResult | Promise<AuthorizationResult>;

export type AuthorizationVerdict = 'allowed' | 'unauthenticated' | 'forbidden';

/** Deny by default: a throw or an unexpected answer is a refusal, the throw reported to `onError`. */
export async function authorizationVerdict(
  authorize: Authorize,
  request: Request,
  onError: (error: unknown) => void,
): Promise<AuthorizationVerdict> {
  let result: unknown;
  try {
    result = await authorize(request);
  } catch (error) {
    onError(error);
    return 'unauthenticated';
  }
  if (result === true) return 'allowed';
  return result === 'forbidden' ? 'forbidden' : 'unauthenticated';
}
