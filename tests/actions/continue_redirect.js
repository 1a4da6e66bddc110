exports.onExecutePostLogin = async (event, api) => {
  api.redirect.sendUserTo('https://verify.example.com/start');
};

exports.onContinuePostLogin = async (event, api) => {
  const payload = api.redirect.validateToken({ secret: event.secrets.SESSION_SECRET });
  api.idToken.setCustomClaim('https://example.com/verified', payload.verified === true);
};
