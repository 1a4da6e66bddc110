exports.onExecutePostLogin = async (event, api) => {
  const greeting = 'hello ' + event.user.email;
  api.idToken.setCustomClaim('https://acme.example/greeting', greeting);
};
