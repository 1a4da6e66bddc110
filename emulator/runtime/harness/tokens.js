'use strict';
/**
 * HS256 JWTs for `api.redirect.encodeToken` / `validateToken`, with Node's own crypto (no npm package
 * inside the harness, so a user's dependency set can never shadow it).
 */
const crypto = require('crypto');

const b64url = (buf) => Buffer.from(buf).toString('base64url');

function sign(payload, secret) {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(payload));
  const sig = crypto.createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/** Returns {valid: true, payload} or {valid: false, reason} like Auth0's trigger API. */
function verify(token, { secret, issuer, expectedState, expectedSub, nowSeconds }) {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3) return { valid: false, reason: 'jwt malformed' };
  let header;
  let payload;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch (_) {
    return { valid: false, reason: 'jwt malformed' };
  }
  if (header.alg !== 'HS256') return { valid: false, reason: 'invalid algorithm' };
  const expected = crypto.createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    return { valid: false, reason: 'invalid signature' };
  }
  if (typeof payload.exp === 'number' && nowSeconds >= payload.exp) return { valid: false, reason: 'jwt expired' };
  if (issuer !== undefined && payload.iss !== issuer) {
    return { valid: false, reason: `jwt issuer invalid. expected: ${issuer}` };
  }
  if (payload.state !== expectedState) return { valid: false, reason: 'state mismatch' };
  if (payload.sub !== expectedSub) return { valid: false, reason: 'subject mismatch' };
  return { valid: true, payload };
}

module.exports = { sign, verify };
