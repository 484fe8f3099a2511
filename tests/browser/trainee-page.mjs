// A trainee in a real browser: log in, read the briefing, answer the current question, see it
// graded. Usage: node trainee-page.mjs URL NAME TOKEN LEVEL_ID ANSWER SCREENSHOT.png
import { chromium } from "playwright-core";

const [url, name, token, level, answer, shot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let failed = false;
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => { console.error("page error:", e.message); failed = true; });
  await page.goto(url);
  await page.fill("#login-name", name);
  await page.fill("#login-token", token);
  await page.click("#login-button");
  await page.waitForSelector("#trainee:not([hidden])", { timeout: 10000 });
  // The page shows the section first and fills it when the state arrives.
  // (Selectors, not waitForFunction: the page's Content-Security-Policy forbids eval.)
  await page.waitForSelector("#briefing > *", { timeout: 10000 });
  await page.waitForSelector(`#answer-${level}`, { timeout: 10000 });
  await page.fill(`#answer-${level}`, answer);
  await page.click(`#submit-${level}`);
  // The page re-renders the levels after grading: the level turns solved.
  await page.waitForSelector(`#level-${level}.solved`, { timeout: 10000 });
  const score = await page.textContent("#score");
  if (shot) await page.screenshot({ path: shot, fullPage: true });
  console.log(`ok: ${score}`);
} catch (e) {
  console.error("browser test failed:", e.message);
  failed = true;
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
