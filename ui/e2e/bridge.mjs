// Start and stop `dossier-bridge --demo` for a browser test.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Starts the bridge; resolves to `{url, token, stop}` once it printed its address line. */
export function startBridge(binary, args, env, timeoutMs = 120_000) {
  const child = spawn(binary, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the bridge printed no address within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`starting ${binary}: ${e.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the bridge exited with ${code} before it was ready`));
    });
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const { url, token } = JSON.parse(line);
      resolve({ url, token, stop });
    });
  });
}
