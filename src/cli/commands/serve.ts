import type { Command } from 'commander';
import { createService } from '../../engine/create-service.ts';
import { startHeadless } from '../../headless/server.ts';
import { openBrowser } from '../open-browser.ts';
import { parsePort } from '../options.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run Lifeboat without a display: the web interface on 127.0.0.1, protected by a token, and the job schedules')
    .option('--port <port>', 'port to listen on (default: a free one)', parsePort, 0)
    .option('--open', 'open the web interface in the default browser')
    .action(async (options: { port: number; open?: boolean }) => {
      const service = createService('headless');
      const server = await startHeadless({ service, port: options.port });
      // This host stays up, so it runs the schedules (missed runs are caught up now). Their log lines
      // go to stderr, where a service manager (systemd, NSSM) keeps them.
      service.on('log', (line) => process.stderr.write(`${line.time} ${line.level}${line.jobId ? ` [${line.jobId}]` : ''} ${line.message}\n`));
      service.startScheduler();
      process.stdout.write(`Lifeboat is running. Open this link in a browser on this computer:\n  ${server.url}\n`);
      process.stdout.write('Press Ctrl+C to stop.\n');
      if (options.open) openBrowser(server.url);
      const stop = async (): Promise<void> => {
        await server.close();
        await service.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
