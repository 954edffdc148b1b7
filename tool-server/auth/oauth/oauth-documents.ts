import { z } from "zod";
import { oauthScopes } from "./oauth-model.ts";

/** RFC 9728: what protects this resource, so Open WebUI finds our authorization server. */
export function protectedResourceMetadata(publicUrl: string) {
  return {
    resource: publicUrl,
    authorization_servers: [publicUrl],
    scopes_supported: oauthScopes,
    bearer_methods_supported: ["header"],
    resource_name: "GitHub tools (openwebui-github)",
  };
}

/** RFC 8414: the endpoints of our facade in front of GitHub's sign-in. */
export function authorizationServerMetadata(publicUrl: string) {
  return {
    issuer: publicUrl,
    authorization_endpoint: `${publicUrl}/oauth/authorize`,
    token_endpoint: `${publicUrl}/oauth/token`,
    registration_endpoint: `${publicUrl}/oauth/register`,
    scopes_supported: oauthScopes,
    response_types_supported: ["code"],
    grant_types_supported: ["authorization_code", "refresh_token"],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
  };
}

const grantTypes = ["authorization_code", "refresh_token"] as const;

/** RFC 7591 registration request: only what we honour is checked, the rest is ignored. */
const registrationRequest = z.object({
  redirect_uris: z.array(z.url()).min(1).max(10),
  client_name: z.string().max(200).optional(),
  grant_types: z.array(z.enum(grantTypes)).optional(),
  response_types: z.array(z.literal("code")).optional(),
  token_endpoint_auth_method: z.string().optional(),
});

export type RegistrationRequest = z.infer<typeof registrationRequest>;

/** The request, or the RFC 7591 error to answer with. */
export function readRegistration(
  body: unknown,
  redirectOrigins: readonly string[],
): RegistrationRequest | { error: string; error_description: string } {
  const parsed = registrationRequest.safeParse(body);
  if (!parsed.success)
    return {
      error: "invalid_client_metadata",
      error_description: `Registration needs redirect_uris (URLs), response_types ["code"] and grant_types among authorization_code and refresh_token: ${parsed.error.issues[0]!.message}`,
    };
  // Anyone may register, so a code must only ever travel to the deployment's own Open WebUI.
  const foreign = parsed.data.redirect_uris.find((uri) => !redirectOrigins.includes(new URL(uri).origin));
  if (foreign)
    return {
      error: "invalid_redirect_uri",
      error_description: `${foreign} is not on an origin listed in TOOL_SERVER_OAUTH_REDIRECT_ORIGINS.`,
    };
  return parsed.data;
}

export function registrationAnswer(request: RegistrationRequest, clientId: string, clientSecret: string) {
  return {
    client_id: clientId,
    client_secret: clientSecret,
    client_id_issued_at: Math.floor(Date.now() / 1000),
    client_secret_expires_at: 0,
    redirect_uris: request.redirect_uris,
    grant_types: [...grantTypes],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_post",
    scope: oauthScopes.join(" "),
    ...(request.client_name ? { client_name: request.client_name } : {}),
  };
}
