// e2e.mjs - Latchkey in a real browser: Debian's headless Chromium, driven by
// playwright-core, holding the client certificate that latchkey-certs exported (imported
// into the NSS db under $HOME/.pki/nssdb by run.sh). Scenarios are named; each failure
// names its scenario. Screenshots go to $LK_ARTIFACTS.
// usage: node e2e.mjs   (environment from run.sh: LK_URL, LK_PIN, LK_RELAY_LOG, ...)
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const env = (k) => {
  if (!process.env[k]) throw new Error(`missing environment variable ${k}`);
  return process.env[k];
};
const URL_ROOT = env('LK_URL');
const PIN = env('LK_PIN');
const RELAY_LOG = env('LK_RELAY_LOG');
const ARTIFACTS = env('LK_ARTIFACTS');
const HOME_WITH_CERT = env('LK_HOME_WITH_CERT');
const HOME_WITHOUT_CERT = env('LK_HOME_WITHOUT_CERT');
const DEVICE_PID = Number(env('LK_DEVICE_PID'));
const GATEWAY_BIN = env('LK_GATEWAY_BIN');
const GATEWAY_CONF = env('LK_GATEWAY_CONF');
const HOME_GUEST = env('LK_HOME_GUEST');
const GUEST = env('LK_GUEST');
const GUEST_PIN = env('LK_GUEST_PIN');
const LATE_URL = env('LK_LATE_URL');
const LATE_LOG = env('LK_LATE_LOG');
const NAV_TIMEOUT = 15000;

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// The profile's Preferences select the client certificate for this origin, since headless
// Chromium never shows the chooser and would wait forever.
function seedProfile(dir) {
  const select = {};
  for (const u of [URL_ROOT, LATE_URL]) // the late gateway (run.sh) is another origin
    select[`${new URL(u).origin},*`] = { setting: { filters: [{}] } };
  const prefs = { profile: { content_settings: { exceptions: { auto_select_certificate:
    select } } } };
  fs.mkdirSync(path.join(dir, 'Default'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'Default', 'Preferences'), JSON.stringify(prefs));
}

async function browser(home, name, options = {}) {
  const dir = fs.mkdtempSync(path.join(home, `profile-${name}-`));
  seedProfile(dir);
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium', headless: true, args: ARGS,
    env: { ...process.env, HOME: home }, viewport: { width: 390, height: 780 }, ...options,
  });
  ctx.setDefaultNavigationTimeout(NAV_TIMEOUT);
  ctx.setDefaultTimeout(NAV_TIMEOUT);
  return ctx;
}

const relayOns = () => (fs.existsSync(RELAY_LOG)
  ? fs.readFileSync(RELAY_LOG, 'utf8').split('\n').filter((l) => l.endsWith(' on')).length : 0);

async function waitFor(what, fn, ms = 5000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const results = [];
async function scenario(name, fn) {
  try {
    await fn();
    results.push([name, 'passed']);
    console.log(`ok - ${name}`);
  } catch (e) {
    results.push([name, 'failed']);
    console.log(`not ok - ${name}: ${e.message}`);
  }
}

function expect(cond, msg) { if (!cond) throw new Error(msg); }

async function submit(page, pin, door) {
  await page.goto(URL_ROOT + '/');
  await page.getByLabel('PIN').fill(pin);
  await Promise.all([
    page.waitForLoadState('load'),
    page.locator(`button[name="door"][value="${door}"]`).click(),
  ]);
  const el = page.locator('[data-result]').first();
  await el.waitFor();
  return el.getAttribute('data-result');
}

// "2026-12-03 14:05" in the site's zone, minutes from now.
function berlin(minutes) {
  const d = new Date(Date.now() + minutes * 60000);
  return d.toLocaleString('sv-SE', { timeZone: 'Europe/Berlin' }).slice(0, 16);
}

// One change on the admin page in USER's section: the admin's PIN, the fields, the button.
async function adminChange(page, user, pin, op, fields = {}) {
  await page.goto(URL_ROOT + '/admin');
  const sec = page.locator(`section[data-user="${user}"]`);
  await sec.getByLabel('Your PIN').fill(pin);
  for (const [name, value] of Object.entries(fields)) {
    if (name === 'door') await sec.locator('select[name="door"]').selectOption(value);
    else await sec.locator(`input[name="${name}"]`).fill(value);
  }
  await Promise.all([
    page.waitForLoadState('load'),
    sec.locator(`button[name="op"][value="${op}"]`).click(),
  ]);
  const el = page.locator('[data-result]').first();
  await el.waitFor();
  return [await el.getAttribute('data-result'), await el.textContent()];
}

// Guests, schedules and the admin page (docs/gateway.md "Guests", "Schedules", "The admin
// page"): gina was invited by run.sh for door1 until two hours from now.
async function guestScenarios() {
  const admin = await browser(HOME_WITH_CERT, 'admin');
  const guest = await browser(HOME_GUEST, 'guest');
  const a = await admin.newPage();
  const g = await guest.newPage();
  const wrong = PIN === '000000' ? '111111' : '000000';
  const pause = () => new Promise((r) => setTimeout(r, 2100)); // the device's pulse interval

  await scenario('the admin page lists people and guests with their schedules', async () => {
    const resp = await a.goto(URL_ROOT + '/admin');
    expect(resp && resp.status() === 200, `status ${resp && resp.status()}`);
    const users = await a.locator('section.person').evaluateAll(
      (ss) => ss.map((x) => x.getAttribute('data-user')));
    expect(users.includes('alice') && users.includes(GUEST), `people: ${users}`);
    const state = await a.locator(`section[data-user="${GUEST}"] .state`).textContent();
    expect(/guest/.test(state) && /access ends/.test(state), `guest state: ${state}`);
    const door = await a.locator(`section[data-user="${GUEST}"] li[data-door="door1"]`).textContent();
    expect(/until/.test(door), `guest's door1: ${door}`);
    await a.screenshot({ path: path.join(ARTIFACTS, 'admin.png'), fullPage: true });
  });

  await scenario('the guest\'s page shows the door with its schedule', async () => {
    await g.goto(URL_ROOT + '/');
    const doors = await g.locator('button[name="door"]').evaluateAll((bs) => bs.map((b) => b.value));
    expect(JSON.stringify(doors) === '["door1"]', `guest's doors: ${doors}`);
    const line = await g.locator('[data-schedule="door1"]').textContent();
    expect(/^Front door: .*until \d{4}-\d\d-\d\d \d\d:\d\d$/.test(line), `schedule line: ${line}`);
    await g.screenshot({ path: path.join(ARTIFACTS, 'guest.png'), fullPage: true });
  });

  await scenario('the guest opens the door inside the window', async () => {
    await pause();
    const before = relayOns();
    const r = await submit(g, GUEST_PIN, 'door1');
    expect(r === 'opened', `result ${r}`);
    await waitFor('one relay pulse', () => relayOns() === before + 1);
  });

  await scenario('an admin change with a wrong PIN changes nothing', async () => {
    const [r] = await adminChange(a, GUEST, wrong, 'disable');
    expect(r === 'wrong-pin', `result ${r}`);
    await a.goto(URL_ROOT + '/admin');
    const enabled = await a.locator(`section[data-user="${GUEST}"] .state`).getAttribute('data-enabled');
    expect(enabled === 'yes', 'the guest was disabled by a wrong PIN');
    execFileSync(GATEWAY_BIN, ['-c', GATEWAY_CONF, 'user', 'unlock', 'alice']);
  });

  await scenario('before the window the guest is refused (outside-schedule, no PIN counted)', async () => {
    const [r, text] = await adminChange(a, GUEST, PIN, 'schedule',
      { door: 'door1', from: berlin(60) });
    expect(r === 'done', `admin change: ${r} ${text}`);
    const before = relayOns();
    const res = await submit(g, GUEST_PIN, 'door1');
    expect(res === 'outside-schedule', `result ${res}`);
    const detail = await g.locator('body').textContent();
    expect(/not started yet\. Next: \d{4}-/.test(detail), `detail: ${detail}`);
    expect(relayOns() === before, 'relay moved outside the schedule');
    await g.screenshot({ path: path.join(ARTIFACTS, 'guest-before.png'), fullPage: true });
  });

  await scenario('one use: the first tap opens, the second is refused', async () => {
    let [r] = await adminChange(a, GUEST, PIN, 'schedule', { door: 'door1', from: 'none' });
    expect(r === 'done', `clear from: ${r}`);
    [r] = await adminChange(a, GUEST, PIN, 'uses', { door: 'door1', uses: '1' });
    expect(r === 'done', `set uses: ${r}`);
    await pause();
    const before = relayOns();
    expect(await submit(g, GUEST_PIN, 'door1') === 'opened', 'the last use did not open');
    await waitFor('one relay pulse', () => relayOns() === before + 1);
    const res = await submit(g, GUEST_PIN, 'door1');
    expect(res === 'outside-schedule', `second tap: ${res}`);
    [r] = await adminChange(a, GUEST, PIN, 'uses', { door: 'door1', uses: '' });
    expect(r === 'done', `reset uses: ${r}`);
  });

  await scenario('after the window the guest is refused', async () => {
    const [r, text] = await adminChange(a, GUEST, PIN, 'schedule', { door: 'door1', until: berlin(0) });
    expect(r === 'done', `admin change: ${r} ${text}`);
    const res = await submit(g, GUEST_PIN, 'door1');
    expect(res === 'outside-schedule', `result ${res}`);
    const detail = await g.locator('body').textContent();
    expect(/access ended/.test(detail), `detail: ${detail}`);
  });

  await scenario('the admin reads the guest\'s history at door1 in local time', async () => {
    await a.goto(`${URL_ROOT}/admin/history?user=${GUEST}&door=door1`);
    const rows = await a.locator('table.history tbody tr').evaluateAll(
      (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    const results = rows.map((c) => c[3]);
    expect(results.includes('opened') && results.includes('outside-schedule'), `results: ${results}`);
    expect(rows.every((c) => c[1] === GUEST && c[2] === 'door1'), 'rows of others shown');
    expect(rows.every((c) => / CES?T$/.test(c[0])), `times: ${rows.map((c) => c[0])}`);
    expect(rows.some((c) => c[5] === '0'), 'no row with the uses left');
    await a.screenshot({ path: path.join(ARTIFACTS, 'admin-history.png'), fullPage: true });
  });

  await scenario('two days later the guest\'s certificate no longer opens the page', async () => {
    let loaded = false;
    try {
      const resp = await g.goto(LATE_URL + '/', { timeout: 5000 });
      loaded = resp !== null && resp.status() < 400 && (await g.content()).includes('name="pin"');
    } catch (e) {
      // Refused in the handshake: Chromium reports an error, or asks again for a
      // certificate (headless: it waits); either way the gateway says why.
      const msg = e.message.split('\n')[0];
      expect(/net::ERR_|Timeout/.test(msg) && !/ERR_CONNECTION_REFUSED|ERR_NAME_/.test(msg),
        `unexpected error: ${msg}`);
    }
    expect(!loaded, 'the page loaded with an expired certificate');
    await waitFor('the late gateway refusing the expired certificate', () =>
      fs.readFileSync(LATE_LOG, 'utf8').includes('client certificate refused: certificate has expired'));
    // alice's certificate is still valid then: the late gateway itself works.
    const resp = await a.goto(LATE_URL + '/');
    expect(resp && resp.status() === 200, `alice on the late gateway: ${resp && resp.status()}`);
  });
  await guest.close();
  await admin.close();
}

async function main() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const withCert = await browser(HOME_WITH_CERT, 'js');
  const page = await withCert.newPage();

  await scenario('page loads and shows only the user\'s doors', async () => {
    const resp = await page.goto(URL_ROOT + '/');
    expect(resp && resp.status() === 200, `status ${resp && resp.status()}`);
    const doors = await page.locator('button[name="door"]').evaluateAll(
      (bs) => bs.map((b) => b.value));
    // run.sh gives alice door1 and door2 only; the site also has a garage.
    expect(JSON.stringify(doors) === JSON.stringify(['door1', 'door2']),
      `doors shown: ${doors}`);
    // The gateway offers HTTP/2 by ALPN: the browser takes it.
    const proto = await page.evaluate(
      () => performance.getEntriesByType('navigation')[0].nextHopProtocol);
    expect(proto === 'h2', `page loaded over ${proto}, not h2`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'page.png'), fullPage: true });
  });

  await scenario('right PIN opens the door and the relay pulses', async () => {
    const before = relayOns();
    const result = await submit(page, PIN, 'door1');
    expect(result === 'opened', `result ${result}`);
    await waitFor('one relay pulse', () => relayOns() === before + 1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'opened.png'), fullPage: true });
  });

  await scenario('wrong PIN shows a message and the relay stays still', async () => {
    const before = relayOns();
    const result = await submit(page, PIN === '000000' ? '111111' : '000000', 'door1');
    expect(result === 'wrong-pin', `result ${result}`);
    expect(relayOns() === before, 'relay moved after a wrong PIN');
    await page.screenshot({ path: path.join(ARTIFACTS, 'wrong-pin.png'), fullPage: true });
  });
  await withCert.close();

  const noJs = await browser(HOME_WITH_CERT, 'nojs', { javaScriptEnabled: false });
  await scenario('the form works with JavaScript disabled', async () => {
    const p = await noJs.newPage();
    const before = relayOns();
    await new Promise((r) => setTimeout(r, 2100)); // the device's minimum interval between pulses
    const result = await submit(p, PIN, 'door1');
    expect(result === 'opened', `result ${result}`);
    await waitFor('one relay pulse', () => relayOns() === before + 1);
    await p.screenshot({ path: path.join(ARTIFACTS, 'nojs-opened.png'), fullPage: true });
  });
  await noJs.close();

  const noCert = await browser(HOME_WITHOUT_CERT, 'nocert');
  await scenario('without a client certificate there is no page', async () => {
    const p = await noCert.newPage();
    let loaded = false;
    try {
      const resp = await p.goto(URL_ROOT + '/');
      loaded = resp !== null && resp.status() < 400 && (await p.content()).includes('name="pin"');
    } catch (e) {
      // The handshake is cut by the server (how Chromium words it varies); an untrusted
      // server certificate or a server that is not there would prove nothing.
      const msg = e.message.split('\n')[0];
      expect(/net::ERR_/.test(msg) && !/ERR_CERT_|ERR_CONNECTION_REFUSED|ERR_NAME_/.test(msg),
        `unexpected error: ${msg}`);
    }
    expect(!loaded, 'the page loaded without a client certificate');
  });
  await noCert.close();

  await guestScenarios();

  const live = await browser(HOME_WITH_CERT, 'live');
  await scenario('the page shows the device going offline without a reload', async () => {
    const p = await live.newPage();
    await p.goto(URL_ROOT + '/');
    const door1 = p.locator('[data-door-status="door1"]');
    await waitFor('door1 shown online', async () => (await door1.getAttribute('data-availability')) === 'online', 10000);
    process.kill(DEVICE_PID, 'SIGKILL'); // the broker publishes the device's will: offline
    await waitFor('door1 shown offline', async () => (await door1.getAttribute('data-availability')) === 'offline', 10000);
    await p.screenshot({ path: path.join(ARTIFACTS, 'offline.png'), fullPage: true });
  });

  await scenario('five wrong PINs lock the user, and then even the right PIN is refused', async () => {
    const p = await live.newPage();
    const wrong = PIN === '000000' ? '111111' : '000000';
    for (let i = 1; i <= 5; i++) {
      const r = await submit(p, wrong, 'door2');
      expect(r === 'wrong-pin' || (i === 5 && r === 'locked'), `attempt ${i}: ${r}`);
    }
    const r = await submit(p, PIN, 'door2');
    expect(r === 'locked', `right PIN while locked: ${r}`);
    expect((await p.locator('[data-result]').first().textContent()).length > 0, 'no message shown');
    await p.screenshot({ path: path.join(ARTIFACTS, 'locked.png'), fullPage: true });
    execFileSync(GATEWAY_BIN, ['-c', GATEWAY_CONF, 'user', 'unlock', 'alice']);
  });
  await live.close();

  const failed = results.filter(([, r]) => r === 'failed').length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => { console.error(e); process.exit(1); });
