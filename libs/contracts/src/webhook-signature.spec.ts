import { signWebhook, verifyWebhook } from './webhook-signature';

describe('webhook signatures', () => {
  const body = JSON.stringify({ type: 'alert.raised', alertId: 'a1' });
  const at = new Date('2026-11-23T12:00:00Z');

  it('verifies with the secret that signed, and with either secret during rotation', () => {
    const header = signWebhook(body, ['new-secret', 'old-secret'], at);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(body, header, 'new-secret', at)).toEqual({
      ok: true,
      timestamp: at.getTime() / 1000,
    });
    expect(verifyWebhook(body, header, 'old-secret', at).ok).toBe(true);
    expect(verifyWebhook(body, header, 'other', at)).toEqual({ ok: false, reason: 'no matching signature' });
  });

  it('refuses a changed body, a stale or future timestamp and a malformed header', () => {
    const header = signWebhook(body, ['s'], at);
    expect(verifyWebhook(`${body} `, header, 's', at).ok).toBe(false);
    expect(verifyWebhook(body, header, 's', new Date(at.getTime() + 301_000))).toEqual({
      ok: false,
      reason: 'too old',
    });
    expect(verifyWebhook(body, header, 's', new Date(at.getTime() + 300_000)).ok).toBe(true);
    expect(verifyWebhook(body, header, 's', new Date(at.getTime() - 301_000))).toEqual({
      ok: false,
      reason: 'too new',
    });
    expect(verifyWebhook(body, 'v1=abc', 's', at)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyWebhook(body, undefined, 's', at)).toEqual({ ok: false, reason: 'malformed' });
    expect(() => signWebhook(body, [])).toThrow(/at least one secret/);
  });
});
