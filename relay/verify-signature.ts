import { Webhooks } from "@octokit/webhooks";

const shape = /^sha256=[0-9a-f]{64}$/;

/**
 * GitHub's `X-Hub-Signature-256`: `sha256=` and the lowercase hex HMAC-SHA256
 * of the body with the webhook's secret, checked by @octokit/webhooks in
 * constant time. A header of any other shape is refused before the HMAC is
 * computed (octokit throws on an empty one).
 */
export function createSignatureVerifier(secret: string) {
  const webhooks = new Webhooks({ secret });
  return async function verifySignature(body: string, header: string | undefined): Promise<boolean> {
    if (header === undefined || !shape.test(header) || body.length === 0) return false;
    return webhooks.verify(body, header);
  };
}
