const isNumber = require('is-number');

exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://example.com/logins_is_number', isNumber(event.stats.logins_count));
};
