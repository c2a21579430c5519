// The operator's admin token on the upload page. An origin started with STREAMCDN_ADMIN_TOKEN refuses uploads
// (and deletes) without `Authorization: Bearer <token>`: 401 when none was sent, 403 when it is not the one
// the origin has. The token is typed into a password field, kept in sessionStorage only (this tab, until it
// closes: never localStorage, a cookie or a URL) and never logged. Pure functions here; upload.js wires them.

export const STORAGE_KEY = 'streamcdn.adminToken';

/** The Authorization header's value for a typed token, or null when the field is empty. */
export function authorization(token) {
  const trimmed = typeof token === 'string' ? token.trim() : '';
  return trimmed ? 'Bearer ' + trimmed : null;
}

/** The token kept for this tab, or '' (storage may be disabled: then nothing is kept). */
export function readToken(storage) {
  try {
    return (storage && storage.getItem(STORAGE_KEY)) || '';
  } catch (e) {
    return '';
  }
}

/** Keeps the token for this tab; an empty field forgets it. */
export function keepToken(storage, token) {
  try {
    const trimmed = typeof token === 'string' ? token.trim() : '';
    if (trimmed) {
      storage.setItem(STORAGE_KEY, trimmed);
    } else {
      storage.removeItem(STORAGE_KEY);
    }
  } catch (e) {
    // storage disabled: the field still works for this page
  }
}

/**
 * What to tell the operator about a refused write, or null when the refusal is not about the token.
 *   401: no token (or not a Bearer one): "token needed";
 *   403 after sending a token: "token wrong";
 *   403 without a token: the origin has none configured and the page is not on its machine; its reason says so.
 */
export function tokenRefusal(status, sentToken, what = 'uploads') {
  if (status === 401) {
    return { kind: 'token-needed', text: 'This origin needs the admin token for ' + what + ': enter it under '
      + '"Operator" and try again.' };
  }
  if (status === 403 && sentToken) {
    return { kind: 'token-wrong', text: 'The admin token was refused: it is not the one this origin was started '
      + 'with. Check it under "Operator" and try again.' };
  }
  return null;
}
