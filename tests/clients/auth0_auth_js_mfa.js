// Auth0's own client for the MFA API (@auth0/auth0-auth-js), against `serve --https` at DOMAIN.
// A resource-owner login gets mfa_required; an unenrolled user enrols a phone through /mfa/associate,
// a wrong code is refused, the right one finishes the login; the next login lists the authenticator,
// challenges it through /mfa/challenge and verifies. Each SMS code is read from stdin: the script
// prints {"need": "code", ...} and waits for a line, so the test can look in the outbox in between.
const readline = require('node:readline');
const { AuthClient, isMfaRequiredError } = require('@auth0/auth0-auth-js');

const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const say = (obj) => console.log(JSON.stringify(obj));
const ask = async (obj) => { say({ need: 'code', ...obj }); return (await lines.next()).value.trim(); };
const failure = (e) => ({ error: e.cause?.error, description: e.cause?.error_description, status: e.statusCode });

const auth = new AuthClient({
  domain: process.env.DOMAIN, clientId: process.env.CLIENT_ID, clientSecret: process.env.CLIENT_SECRET,
});

async function mfaRequired() {
  try {
    await auth.getTokenByPassword({ username: process.env.USERNAME, password: process.env.PASSWORD,
      realm: 'Username-Password-Authentication', scope: 'openid profile email' });
  } catch (e) {
    if (isMfaRequiredError(e)) return e.cause;
    throw e;
  }
  throw new Error('the login did not ask for MFA');
}

async function main() {
  const out = {};
  // 1. Not enrolled: enrol through /mfa/associate.
  const first = await mfaRequired();
  out.firstRequirements = first.mfa_requirements;
  out.before = await auth.mfa.listAuthenticators({ mfaToken: first.mfa_token });
  const enrolment = await auth.mfa.enrollAuthenticator({ mfaToken: first.mfa_token, authenticatorTypes: ['oob'],
    oobChannels: ['sms'], phoneNumber: process.env.PHONE });
  out.enrolment = { authenticatorType: enrolment.authenticatorType, oobChannel: enrolment.oobChannel,
    bindingMethod: enrolment.bindingMethod, hasOobCode: Boolean(enrolment.oobCode) };
  const code = await ask({ step: 'enrolment' });
  try {
    await auth.mfa.verify({ mfaToken: first.mfa_token, factorType: 'oob', oobCode: enrolment.oobCode, bindingCode: '000000' });
  } catch (e) { out.wrong = failure(e); }
  const enrolled = await auth.mfa.verify({ mfaToken: first.mfa_token, factorType: 'oob', oobCode: enrolment.oobCode,
    bindingCode: code });
  out.enrolledIdToken = enrolled.idToken;
  try {
    await auth.mfa.verify({ mfaToken: first.mfa_token, factorType: 'oob', oobCode: enrolment.oobCode, bindingCode: code });
  } catch (e) { out.reused = failure(e); }
  // 2. Enrolled: the next login lists the phone, challenges it, verifies.
  const second = await mfaRequired();
  out.secondRequirements = second.mfa_requirements;
  out.authenticators = await auth.mfa.listAuthenticators({ mfaToken: second.mfa_token });
  say({ step: 'listed' });
  await lines.next(); // the test checks that no SMS went out before the challenge
  try {
    await auth.mfa.enrollAuthenticator({ mfaToken: second.mfa_token, authenticatorTypes: ['oob'], oobChannels: ['sms'],
      phoneNumber: process.env.PHONE });
  } catch (e) { out.enrolAgain = failure(e); }
  const challenge = await auth.mfa.challengeAuthenticator({ mfaToken: second.mfa_token, challengeType: 'oob',
    authenticatorId: out.authenticators[0].id });
  out.challenge = { challengeType: challenge.challengeType, bindingMethod: challenge.bindingMethod,
    hasOobCode: Boolean(challenge.oobCode) };
  const code2 = await ask({ step: 'challenge' });
  const tokens = await auth.mfa.verify({ mfaToken: second.mfa_token, factorType: 'oob', oobCode: challenge.oobCode,
    bindingCode: code2 });
  out.idToken = tokens.idToken;
  out.accessToken = tokens.accessToken;
  say({ done: out });
  process.exit(0);
}

main().catch((e) => { say({ crashed: String(e && e.stack || e), cause: e && e.cause }); process.exit(1); });
