// e2e.mjs - Latchkey in a real browser: Debian's headless Chromium, driven by
// playwright-core, holding the client certificate that latchkey-certs exported (imported
// into the NSS db under $HOME/.pki/nssdb by run.sh). Scenarios are named; each failure
// names its scenario. Screenshots go to $LK_ARTIFACTS.
// usage: node e2e.mjs   (environment from run.sh: LK_URL, LK_PIN, LK_RELAY_LOG, ...)
import { chromium } from 'playwright-core';
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
const NAV_TIMEOUT = 15000;

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// The profile's Preferences select the client certificate for this origin, since headless
// Chromium never shows the chooser and would wait forever.
function seedProfile(dir) {
  const origin = new URL(URL_ROOT).origin;
  const prefs = { profile: { content_settings: { exceptions: { auto_select_certificate: {
    [`${origin},*`]: { setting: { filters: [{}] } } } } } } };
  fs.mkdirSync(path.join(dir, 'Default'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'Default', 'Preferences'), JSON.stringify(prefs));
}

async function browser(home, name, options = {}) {
  const dir = fs.mkdtempSync(path.join(home, `profile-${name}-`));
  seedProfile(dir);
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium', headless: true, args: ARGS,
    env: { ...process.env, HOME: home }, ...options,
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

async function main() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const withCert = await browser(HOME_WITH_CERT, 'js');
  const page = await withCert.newPage();

  await scenario('page loads and shows only the user\'s doors', async () => {
    const resp = await page.goto(URL_ROOT + '/');
    expect(resp && resp.status() === 200, `status ${resp && resp.status()}`);
    const doors = await page.locator('button[name="door"]').evaluateAll(
      (bs) => bs.map((b) => b.value));
    expect(JSON.stringify(doors) === JSON.stringify(['door1', 'door2']),
      `doors shown: ${doors}`);
    expect(!(await page.content()).includes('value="garage"'), 'a door of another user is shown');
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

  const failed = results.filter(([, r]) => r === 'failed').length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => { console.error(e); process.exit(1); });
