import { describe, expect, it } from "vitest";
import { createSignatureVerifier } from "../relay/verify-signature.ts";
import { signBody } from "../stand-ins/payloads.ts";

describe("GitHub's documented signature test vector", () => {
  const secret = "It's a Secret to Everybody";
  const expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  it("is what the tests' signer produces", () => {
    expect(signBody(secret, "Hello, World!")).toBe(expected);
  });

  it("is accepted by the verifier the relay uses, and a changed byte, another secret or a malformed header is not", async () => {
    const verify = createSignatureVerifier(secret);
    expect(await verify("Hello, World!", expected)).toBe(true);
    expect(await verify("Hello, World?", expected)).toBe(false);
    expect(await createSignatureVerifier("another secret")("Hello, World!", expected)).toBe(false);
    for (const header of [
      undefined,
      "",
      "sha256=",
      expected.slice(0, -1),
      expected + "0",
      expected.replace("sha256=", "sha1="),
      expected.slice(0, -1) + "g",
      expected.toUpperCase(),
    ]) {
      expect(await verify("Hello, World!", header)).toBe(false);
    }
  });
});
