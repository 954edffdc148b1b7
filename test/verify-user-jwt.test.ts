import { describe, expect, it } from "vitest";
import { createIdentifyCaller, userJwtHeader } from "../tool-server/auth/identify-caller.ts";
import { signUserJwt, unsignedUserJwt } from "./support/user-jwt.ts";

const secret = "open-webui-forward-secret-5f2c8a91d3";
const ada = { id: "user-ada", email: "ada@example.com", name: "Ada", role: "user" as const };
const identify = createIdentifyCaller({ jwtSecret: secret, trustUserHeaders: false });
const withHeaders =
  (headers: Record<string, string>) =>
  (name: string): string | undefined =>
    headers[name];

describe("the signed user token (X-OpenWebUI-User-Jwt)", () => {
  it("names the person Open WebUI signed for, by user id", async () => {
    const caller = await identify(withHeaders({ [userJwtHeader]: await signUserJwt(secret, ada) }));
    expect(caller).toEqual({
      kind: "person",
      person: { userId: "user-ada", email: "ada@example.com", name: "Ada", role: "user", via: "jwt" },
    });
  });

  it("refuses a token signed with another secret", async () => {
    const token = await signUserJwt("someone-elses-secret-0123456789", ada);
    expect(await identify(withHeaders({ [userJwtHeader]: token }))).toEqual({ kind: "anonymous", reason: "bad-token" });
  });

  it("refuses an expired token, and one without an expiry", async () => {
    const expired = await signUserJwt(secret, ada, { now: Math.floor(Date.now() / 1000) - 600 });
    expect(await identify(withHeaders({ [userJwtHeader]: expired }))).toEqual({
      kind: "anonymous",
      reason: "expired-token",
    });
    const endless = await signUserJwt(secret, ada, { expiresInS: null });
    expect(await identify(withHeaders({ [userJwtHeader]: endless }))).toMatchObject({ reason: "bad-token" });
  });

  it("allows a small clock difference with Open WebUI", async () => {
    const justExpired = await signUserJwt(secret, ada, { now: Math.floor(Date.now() / 1000) - 310 });
    expect(await identify(withHeaders({ [userJwtHeader]: justExpired }))).toMatchObject({ kind: "person" });
  });

  it("refuses another algorithm, an unsigned token and another issuer", async () => {
    for (const token of [
      await signUserJwt(secret, ada, { alg: "HS384" }),
      unsignedUserJwt(ada),
      await signUserJwt(secret, ada, { issuer: "not-open-webui" }),
      "not-a-jwt",
    ])
      expect(await identify(withHeaders({ [userJwtHeader]: token })), token).toEqual({
        kind: "anonymous",
        reason: "bad-token",
      });
  });

  it("takes a caller without a token as anonymous, whatever plain headers say", async () => {
    const plain = withHeaders({ "x-openwebui-user-id": "user-ada", "x-openwebui-user-name": "Ada" });
    expect(await identify(plain)).toEqual({ kind: "anonymous", reason: "missing-token" });
  });
});

describe("plain X-OpenWebUI-User-* headers", () => {
  const plain = withHeaders({
    "x-openwebui-user-id": "user-ada",
    "x-openwebui-user-email": "ada@example.com",
    "x-openwebui-user-name": "Ada%20L%C3%B6we",
    "x-openwebui-user-role": "user",
  });

  it("count only with TRUST_OPENWEBUI_USER_HEADERS", async () => {
    const untrusting = createIdentifyCaller({ jwtSecret: null, trustUserHeaders: false });
    expect(await untrusting(plain)).toEqual({ kind: "anonymous", reason: "no-identity" });
    const trusting = createIdentifyCaller({ jwtSecret: null, trustUserHeaders: true });
    expect(await trusting(plain)).toEqual({
      kind: "person",
      person: { userId: "user-ada", email: "ada@example.com", name: "Ada Löwe", role: "user", via: "headers" },
    });
  });

  it("never make a display name alone an identity", async () => {
    const trusting = createIdentifyCaller({ jwtSecret: null, trustUserHeaders: true });
    expect(await trusting(withHeaders({ "x-openwebui-user-name": "Ada" }))).toMatchObject({ kind: "anonymous" });
  });
});
