/** Used by the debugger tests: a helper to step into, a loop to stop in, and a throw. */
function double(n) {
  const twice = n * 2;
  return twice;
}

exports.onExecutePostLogin = async (event, api) => {
  const email = event.user.email;
  let total = 0;
  for (let i = 0; i < 3; i += 1) {
    total += double(i);
  }
  api.idToken.setCustomClaim('total', total);
  if (event.user.app_metadata.explode) {
    await null;
    throw new Error(`exploded for ${email}`);
  }
};
