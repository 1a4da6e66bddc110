exports.onExecutePostLogin = async () => {
  for (;;) { /* spins until the deadline */ }
};
