// two_cas.mjs - one step of two_cas.sh in Debian's headless Chromium (playwright-core):
// loads the gateway's page with the NSS db of $LK_HOME (a profile that auto-selects a
// client certificate for the origin, among those the server's CA names allow) and checks
// who the page says is signed in (or, for step no-cert, the no-certificate page and whom
// it names). A screenshot per step in $LK_ARTIFACTS.
// usage: node two_cas.mjs   (environment: LK_URL, LK_STEP, LK_EXPECT, LK_HOME, LK_ARTIFACTS)
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const env = (k) => {
  if (!process.env[k]) throw new Error(`missing environment variable ${k}`);
  return process.env[k];
};
const URL_ROOT = env('LK_URL');
const STEP = env('LK_STEP');
const EXPECT = env('LK_EXPECT');
const HOME = env('LK_HOME');
const ARTIFACTS = env('LK_ARTIFACTS');

// No chooser in headless Chromium: the profile auto-selects for the origin, with an empty
// filter, so Chromium's own filtering by the CertificateRequest's CA names decides.
const dir = fs.mkdtempSync(path.join(HOME, `profile-${STEP}-`));
const origin = new URL(URL_ROOT).origin;
fs.mkdirSync(path.join(dir, 'Default'), { recursive: true });
fs.writeFileSync(path.join(dir, 'Default', 'Preferences'), JSON.stringify({
  profile: { content_settings: { exceptions: { auto_select_certificate: {
    [`${origin},*`]: { setting: { filters: [{}] } } } } } } }));

const ctx = await chromium.launchPersistentContext(dir, {
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  env: { ...process.env, HOME }, viewport: { width: 390, height: 844 },
});
let failed = null;
try {
  const page = await ctx.newPage();
  const resp = await page.goto(URL_ROOT + '/', { timeout: 15000 });
  const text = await page.textContent('body');
  await page.screenshot({ path: path.join(ARTIFACTS, `${STEP}.png`), fullPage: true });
  if (STEP === 'no-cert') {
    if (resp.status() !== 403) failed = `status ${resp.status()}`;
    else if (!text.includes(`This phone has no (valid) certificate for this door: ask ${EXPECT} for an invitation.`))
      failed = `not the no-certificate page: ${text}`;
    else if ((await page.locator('script, link, form, input').count()) !== 0)
      failed = 'the no-certificate page has scripts, links or forms';
  } else if (resp.status() !== 200) {
    failed = `status ${resp.status()}: ${text}`;
  } else if (!text.includes(`Signed in as ${EXPECT}`)) {
    failed = `not signed in as ${EXPECT}: ${text}`;
  }
} catch (e) {
  failed = e.message; // e.g. net::ERR_BAD_SSL_CLIENT_AUTH_CERT: the wrong certificate sent
} finally {
  await ctx.close();
}
console.log(failed ? `not ok - ${STEP}: ${failed}` : `ok - ${STEP}: ${EXPECT}`);
process.exit(failed ? 1 : 0);
