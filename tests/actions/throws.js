exports.onExecutePostLogin = async (event, api) => {
  const profile = await fetchProfile(event.user.user_id);
  api.idToken.setCustomClaim('https://example.com/tier', profile.tier);
};

async function fetchProfile(id) {
  throw new Error(`profile service unavailable for ${id}`);
}
