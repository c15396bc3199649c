/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read loosely by the tests */
/** A JSON POST to a running region, as a client would send it; the answer's JSON read loosely. */
export async function postJson(base: string, path: string, body: unknown, token?: string): Promise<{ status: number; body: Record<string, any> }> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}
