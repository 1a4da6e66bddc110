/**
 * Denies logins from countries listed in the BLOCKED_COUNTRIES secret (comma separated).
 */
exports.onExecutePostLogin = async (event, api) => {
  const blocked = (event.secrets.BLOCKED_COUNTRIES || '').split(',').map((c) => c.trim()).filter(Boolean);
  const country = event.request.geoip.countryCode;
  if (blocked.includes(country)) {
    api.access.deny(`Logins from ${country} are not allowed.`);
  }
};
