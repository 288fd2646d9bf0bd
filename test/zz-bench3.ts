const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
import { loadSpecFile } from '../lib/model/load';
import { startDev } from '../dev/server';
import * as path from 'node:path';
(async () => {
  const spec = loadSpecFile(path.join(__dirname, '../examples/minimal/gateway.yaml')).spec;
  for (let k = 0; k < 2; k++) {
    const a = cpu();
    for (let i = 0; i < 200; i++) { try { const s = await startDev({ spec, profile: 'aws', port: 0, publishAdminToken: false, env: {} }); await s.close(); } catch (e) { console.log(String(e).slice(0, 200)); break; } }
    console.log('per start', ((cpu() - a) / 200).toFixed(2), 'ms');
  }
})();
