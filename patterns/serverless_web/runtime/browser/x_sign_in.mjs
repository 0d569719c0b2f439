// X (Twitter) sign-in through a Cognito identity pool, then SigV4-signed calls to the API's /iam routes.
//
// The page's script, as an ES module without dependencies: fetch, crypto.subtle and TextEncoder only, so
// it runs unchanged in browsers and in Node.js 20+ (where its tests run). Flow (see the README's diagram):
//
//   1. The visitor signs in with X. X's "Sign in with X" is OAuth 1.0a: the request-token and access-token
//      calls are signed with the consumer secret, so they run on a server of yours (never in the page);
//      the page ends up with the visitor's access token and access token secret.
//   2. credentialsFor(): Cognito GetId, then GetCredentialsForIdentity with
//      Logins = {"api.twitter.com": "<access token>;<access token secret>"}. Cognito checks the pair with
//      X (using the consumer key and secret the identity pool holds) and returns temporary credentials
//      of the pool's authenticated role (valid one hour).
//   3. callApi(): GET/PUT <api>/iam/items/<id>, signed with SigV4 (service "execute-api"). That role
//      may invoke those two methods and nothing else.
//
// Users of the user pool can take the same path with userPoolLogins(region, userPoolId, idToken).
//
//   import { callApi, credentialsFor, twitterLogins } from "./x_sign_in.mjs";
//   const credentials = await credentialsFor({
//     region: "us-east-1",
//     identityPoolId: "us-east-1:0123abcd-...",  // the stack output IdentityPoolId
//     logins: twitterLogins(oauthToken, oauthTokenSecret),
//   });
//   const response = await callApi({
//     apiUrl: "https://abc123.execute-api.us-east-1.amazonaws.com/v1/",  // the stack output ApiUrl
//     method: "PUT", path: "iam/items/hello", body: { title: "Hello" }, credentials, region: "us-east-1",
//   });

const encoder = new TextEncoder();
const ALGORITHM = "AWS4-HMAC-SHA256";
const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;

export const TWITTER_PROVIDER = "api.twitter.com";

function hex(buffer) {
  return [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

function bytes(data) {
  return typeof data === "string" ? encoder.encode(data) : data;
}

export async function sha256Hex(data) {
  return hex(await crypto.subtle.digest("SHA-256", bytes(data)));
}

async function hmac(key, data) {
  const cryptoKey = await crypto.subtle.importKey(
    "raw", bytes(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"],
  );
  return crypto.subtle.sign("HMAC", cryptoKey, bytes(data));
}

/** RFC 3986 percent-encoding of UTF-8 bytes: only A-Z a-z 0-9 - _ . ~ (and "/" when keepSlash) stay. */
export function uriEncode(text, keepSlash = false) {
  let out = "";
  for (const byte of encoder.encode(text)) {
    const char = String.fromCharCode(byte);
    out += UNRESERVED.test(char) || (keepSlash && char === "/")
      ? char
      : "%" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/** "2015-08-30T12:36:00.000Z" -> "20150830T123600Z" */
export function amzDate(date) {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

function canonicalQuery(search) {
  if (search.length <= 1) return "";
  const pairs = search.slice(1).split("&").filter(Boolean).map((pair) => {
    const at = pair.indexOf("=");
    const [key, value] = at < 0 ? [pair, ""] : [pair.slice(0, at), pair.slice(at + 1)];
    return [uriEncode(decodeURIComponent(key)), uriEncode(decodeURIComponent(value))];
  });
  pairs.sort(([k1, v1], [k2, v2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0));
  return pairs.map(([key, value]) => `${key}=${value}`).join("&");
}

/**
 * Sign a request with AWS Signature Version 4 (header form).
 *
 * Returns the headers to send (the given ones, X-Amz-Date, X-Amz-Security-Token when the credentials
 * have a session token, and Authorization; Host is signed but left to the browser, which sets it) and,
 * for tests and debugging, the canonical request, the string to sign and the signature.
 */
export async function signRequest({
  method, url, headers = {}, body = "", credentials, region, service = "execute-api", now = new Date(),
}) {
  const target = new URL(url);
  const timestamp = amzDate(now);
  const day = timestamp.slice(0, 8);
  const send = { ...headers, "X-Amz-Date": timestamp };
  if (credentials.sessionToken) send["X-Amz-Security-Token"] = credentials.sessionToken;

  const canonical = { host: target.host };
  for (const [name, value] of Object.entries(send)) {
    canonical[name.toLowerCase()] = String(value).trim().replace(/\s+/g, " ");
  }
  const names = Object.keys(canonical).sort();
  const signedHeaders = names.join(";");
  // Services other than S3: the (already percent-encoded) path is encoded once more.
  const path = uriEncode(target.pathname || "/", true);
  const canonicalRequest = [
    method.toUpperCase(),
    path,
    canonicalQuery(target.search),
    names.map((name) => `${name}:${canonical[name]}\n`).join(""),
    signedHeaders,
    await sha256Hex(body),
  ].join("\n");

  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = [ALGORITHM, timestamp, scope, await sha256Hex(canonicalRequest)].join("\n");
  let key = await hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [region, service, "aws4_request"]) key = await hmac(key, part);
  const signature = hex(await hmac(key, stringToSign));

  send.Authorization =
    `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, ` +
    `SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { headers: send, canonicalRequest, stringToSign, signature };
}

/** The Logins map for X: "<access token>;<access token secret>" under "api.twitter.com". */
export function twitterLogins(accessToken, accessTokenSecret) {
  if (!accessToken || !accessTokenSecret) throw new Error("X access token and secret are both required");
  return { [TWITTER_PROVIDER]: `${accessToken};${accessTokenSecret}` };
}

/** The Logins map for a user pool's ID token (the hosted UI's sign-in). */
export function userPoolLogins(region, userPoolId, idToken) {
  return { [`cognito-idp.${region}.amazonaws.com/${userPoolId}`]: idToken };
}

async function cognitoIdentity(region, action, payload, fetchImpl) {
  // GetId and GetCredentialsForIdentity are public calls: not signed, the Logins tokens authenticate.
  const response = await fetchImpl(`https://cognito-identity.${region}.amazonaws.com/`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": `AWSCognitoIdentityService.${action}`,
    },
    body: JSON.stringify(payload),
  });
  const data = await response.json();
  if (!response.ok) {
    throw new Error(`${action} failed (${response.status}): ${data.__type ?? ""} ${data.message ?? data.Message ?? ""}`.trim());
  }
  return data;
}

/** Temporary credentials of the identity pool's authenticated role for these logins. */
export async function credentialsFor({ region, identityPoolId, logins, fetchImpl = globalThis.fetch }) {
  const { IdentityId } = await cognitoIdentity(
    region, "GetId", { IdentityPoolId: identityPoolId, Logins: logins }, fetchImpl,
  );
  const { Credentials } = await cognitoIdentity(
    region, "GetCredentialsForIdentity", { IdentityId, Logins: logins }, fetchImpl,
  );
  return {
    identityId: IdentityId,
    accessKeyId: Credentials.AccessKeyId,
    secretAccessKey: Credentials.SecretKey,
    sessionToken: Credentials.SessionToken,
    expiration: new Date(Credentials.Expiration * 1000),
  };
}

/** A signed call to the API: callApi({apiUrl, method: "GET", path: "iam/items/hello", credentials, region}). */
export async function callApi({
  apiUrl, method = "GET", path, body, credentials, region, fetchImpl = globalThis.fetch, now = new Date(),
}) {
  const url = new URL(path.replace(/^\/+/, ""), apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/`).href;
  const payload = body === undefined ? "" : JSON.stringify(body);
  const headers = body === undefined ? {} : { "Content-Type": "application/json" };
  const signed = await signRequest({ method, url, headers, body: payload, credentials, region, now });
  return fetchImpl(url, { method, headers: signed.headers, body: body === undefined ? undefined : payload });
}
