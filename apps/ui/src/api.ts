/** Every request the page makes goes through here: same origin only, with the bearer token when one is set. */
const TOKEN_KEY = 'tag-history.token';

export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  // Session storage only: the token goes when the tab closes, and is never written anywhere else.
  set: (value: string) => sessionStorage.setItem(TOKEN_KEY, value.trim()),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  const t = token.get();
  return t ? { ...extra, authorization: `Bearer ${t}` } : extra;
}

export interface Answer<T> {
  body: T;
  /** The next page, from the `Link: <…>; rel="next"` header. */
  next: string | null;
}

export async function api<T>(path: string, signal?: AbortSignal): Promise<Answer<T>> {
  const response = await fetch(path, { headers: authHeaders({ accept: 'application/json' }), signal, cache: 'no-store' });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { errors?: { code: string; message: string }[] } | null;
    const error = body?.errors?.[0];
    throw new ApiError(response.status, error?.code ?? 'UNKNOWN', error?.message ?? `${response.status} ${response.statusText}`);
  }
  const link = response.headers.get('link');
  return { body: (await response.json()) as T, next: link ? (/<([^>]+)>;\s*rel="next"/.exec(link)?.[1] ?? null) : null };
}

/** The same request, but a 404 is an answer (the tag did not exist then) rather than an error. */
export async function apiOrMissing<T>(path: string, signal?: AbortSignal): Promise<T | null> {
  try {
    return (await api<T>(path, signal)).body;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}
