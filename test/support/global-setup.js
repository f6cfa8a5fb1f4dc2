'use strict';
// Probes the services the integration and end-to-end suites use. The answer is handed to the
// test workers through the environment; suites then run, or skip with a one-line reason.
// With CI=true every service must answer: a missing one fails the whole run.
const net = require('node:net');

const services = {
  redis: { host: '127.0.0.1', port: 6379, name: 'Redis' },
  postgres: { host: '127.0.0.1', port: 5432, name: 'PostgreSQL' },
  mariadb: { host: '127.0.0.1', port: 3306, name: 'MariaDB' },
};

function probe({ host, port }) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (up) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

module.exports = async function globalSetup() {
  const missing = [];
  for (const [key, service] of Object.entries(services)) {
    const up = await probe(service);
    process.env[`CLR_TEST_${key.toUpperCase()}`] = up
      ? 'up'
      : `nothing answers at ${service.host}:${service.port}`;
    if (!up) missing.push(`${service.name} (${service.host}:${service.port})`);
  }
  if (missing.length > 0 && process.env.CI === 'true') {
    throw new Error(`CI=true but these services do not answer: ${missing.join(', ')}`);
  }
  if (missing.length > 0) {
    process.stdout.write(`\nSuites that need ${missing.join(', ')} are skipped: nothing answers there.\n`);
  }
};
