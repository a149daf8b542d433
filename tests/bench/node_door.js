// node_door.js - the "node design" peer of scripts/bench.sh: the shape of the client-cert
// door-opener blueprints (one node https server with requestCert/rejectUnauthorized that
// spawns mosquitto_pub for every open request). GET /open spawns the publisher (mTLS to the
// broker, QoS 1) and answers 200 when it exits 0; any other path answers a static page.
// usage: node node_door.js PORT CERT KEY CA PAGE BROKER_PORT PUB_CERT PUB_KEY TOPIC
'use strict';
const https = require('https');
const fs = require('fs');
const { spawn } = require('child_process');

const [port, cert, key, ca, page, brokerPort, pubCert, pubKey, topic] = process.argv.slice(2);
if (!topic) {
  console.error('usage: node node_door.js PORT CERT KEY CA PAGE BROKER_PORT PUB_CERT PUB_KEY TOPIC');
  process.exit(2);
}
const body = fs.readFileSync(page);

function answer(res, code, text) {
  const b = typeof text === 'string' ? Buffer.from(text) : text;
  res.writeHead(code, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': b.length });
  res.end(b);
}

const server = https.createServer({
  cert: fs.readFileSync(cert), key: fs.readFileSync(key), ca: fs.readFileSync(ca),
  requestCert: true, rejectUnauthorized: true,
}, (req, res) => {
  if (req.url !== '/open') {
    answer(res, 200, body);
    return;
  }
  const pub = spawn('mosquitto_pub', ['-h', 'localhost', '-p', brokerPort, '--cafile', ca,
    '--cert', pubCert, '--key', pubKey, '-i', 'latchkey-bench-node', // the id of CN bench-node
    '-q', '1', '-t', topic, '-m', 'open'], { stdio: 'ignore' });
  pub.on('error', () => answer(res, 500, 'spawn failed\n'));
  pub.on('exit', (code) => answer(res, code === 0 ? 200 : 502, code === 0 ? 'opened\n' : 'publish failed\n'));
});
server.keepAliveTimeout = 30000;
server.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
