/**
 * Adds the user's roles to the ID and access tokens under a namespaced claim.
 */
const NAMESPACE = 'https://example.com';

exports.onExecutePostLogin = async (event, api) => {
  const roles = (event.authorization && event.authorization.roles) || [];
  console.log(`adding ${roles.length} role(s) for ${event.user.email}`);
  api.idToken.setCustomClaim(`${NAMESPACE}/roles`, roles);
  api.accessToken.setCustomClaim(`${NAMESPACE}/roles`, roles);
};
