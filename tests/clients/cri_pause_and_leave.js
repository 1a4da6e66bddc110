// chrome-remote-interface (what most Node tooling uses) attaches to an emulator inspector found on /json at
// PORT, sets a breakpoint on every version of the action in URL_REGEX at LINE (0-based), prints
// {"paused": line} when a run stops there, and disconnects without resuming.
const CDP = require('chrome-remote-interface');

(async () => {
  const client = await CDP({ host: '127.0.0.1', port: Number(process.env.PORT) });
  const { Debugger } = client;
  const paused = new Promise((resolve) => Debugger.paused((params) => resolve(params)));
  await Debugger.enable();
  await Debugger.setBreakpointByUrl({ urlRegex: process.env.URL_REGEX, lineNumber: Number(process.env.LINE) });
  console.log(JSON.stringify({ ready: true }));
  const params = await paused;
  console.log(JSON.stringify({ paused: params.callFrames[0].location.lineNumber }));
  await client.close();
})().catch((e) => { console.log(JSON.stringify({ crashed: String(e.stack || e) })); process.exit(1); });
