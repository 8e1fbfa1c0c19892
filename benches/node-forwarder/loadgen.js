// Load generator for forwarder.js: ROOMS rooms (one customer and one rep connection each),
// RATE 100-byte messages per second from the customers together for SECONDS, latency from the
// customer's send to the rep's receipt, and the forwarder's CPU (utime + stime from
// /proc/PID/stat) per delivered message, with its kernel share.
// Usage: node loadgen.js PORT PID [ROOMS=5000] [RATE=10000] [SECONDS=10]
'use strict';
const WebSocket = require('ws');
const fs = require('fs');
const [port, pid] = process.argv.slice(2, 4);
const rooms = Number(process.argv[4] || 5000);
const rate = Number(process.argv[5] || 10000);
const seconds = Number(process.argv[6] || 10);

function cpu(p) {
  const fields = fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(')').pop().trim().split(/\s+/);
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
}
function rssMiB(p) {
  const line = fs.readFileSync(`/proc/${p}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS'));
  return Math.round(Number(line.split(/\s+/)[1]) / 1024);
}
function open(url) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

async function main() {
  const base = `ws://127.0.0.1:${port}`;
  const customers = [];
  const latencies = [];
  let delivered = 0;
  let measuring = false;
  for (let start = 0; start < rooms; start += 200) {
    const batch = [];
    for (let room = start; room < Math.min(rooms, start + 200); room++) {
      batch.push(open(`${base}/r/${room}`).then((rep) => {
        rep.on('message', (data) => {
          if (!measuring) return;
          delivered++;
          const sent = Number(String(data).slice(6, 26));
          latencies.push(Number(process.hrtime.bigint() - BigInt(sent)) / 1e6);
        });
      }).then(() => open(`${base}/c/${room}`)).then((c) => { c.on('message', () => {}); customers[room] = c; }));
    }
    await Promise.all(batch);
  }
  console.log(`connected ${rooms} rooms; forwarder RSS ${rssMiB(pid)} MiB`);
  const before = cpu(pid);
  const loaderBefore = process.cpuUsage();
  measuring = true;
  const pad = 'x'.repeat(100);
  let sent = 0;
  const started = Date.now();
  const tickMs = 5;
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const due = Math.floor(((Date.now() - started) / 1000) * rate);
      while (sent < due) {
        const stamp = String(process.hrtime.bigint()).padStart(20, '0');
        customers[sent % rooms].send(`{"t":"${stamp}","m":"${pad.slice(0, 70)}"}`);
        sent++;
      }
      if (Date.now() - started >= seconds * 1000) { clearInterval(timer); resolve(); }
    }, tickMs);
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  measuring = false;
  const after = cpu(pid);
  const loader = process.cpuUsage(loaderBefore);
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies.length ? latencies[Math.round((latencies.length - 1) * p)].toFixed(2) : 'n/a';
  const serverCpu = after.user + after.system - before.user - before.system;
  console.log(`sent ${sent} at ${rate}/s; delivered ${delivered} = ${(delivered / seconds).toFixed(0)}/s; p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms`);
  console.log(`forwarder CPU ${serverCpu.toFixed(1)} s = ${(serverCpu * 1e6 / Math.max(1, delivered)).toFixed(0)} us per delivered message; in the kernel: ${((after.system - before.system) * 1e6 / Math.max(1, delivered)).toFixed(0)} us; RSS ${rssMiB(pid)} MiB`);
  console.log(`load generator CPU ${((loader.user + loader.system) / 1e6).toFixed(1)} s = ${((loader.user + loader.system) / 1e4 / (seconds + 0.5)).toFixed(0)}% of a core`);
  process.exit(0);
}
main().catch((error) => { console.error(error); process.exit(1); });
