// The delivery benchmark's scenarios, the same for both libraries. Each `run(h)` drives one library in a
// fresh browser context through `h` (see run.mjs: open, track, crash, settle, recorder) and returns the
// tally `{sent, unique, duplicates, lost, ms}`; `ms` is the time from the end of the scenario's actions
// until the last event arrived (or until the wait ran out). Events carry `properties.n` = 0..sent-1.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Tracks one event in a click handler on the page's link, which navigates to a page without a library. */
async function clickAndLeave(h, page, n) {
  await page.evaluate((n) => {
    document.getElementById('go').addEventListener('click', () => window.benchTarget.track('Delivery', { n }));
  }, n);
  await page.click('#go');
  await page.waitForURL(/plain\.html/);
}

export const SCENARIOS = [
  {
    name: '2,000 track() in one loop',
    sent: 2000,
    async run(h) {
      const page = await h.open();
      await h.track(page, 2000);
      return h.settle(2000, 30000);
    },
  },
  {
    name: 'click → track → navigate away (x20)',
    sent: 20,
    async run(h) {
      for (let n = 0; n < 20; n++) {
        const page = await h.open(n ? h.page : undefined);
        h.page = page;
        await clickAndLeave(h, page, n);
      }
      return h.settle(20, 5000);
    },
  },
  {
    name: '5 track() then navigate away',
    sent: 5,
    async run(h) {
      const page = await h.open();
      await page.evaluate(() => {
        for (let i = 0; i < 5; i++) window.benchTarget.track('Delivery', { n: i });
        location.href = '/plain.html';
      });
      await page.waitForURL(/plain\.html/);
      return h.settle(5, 5000);
    },
  },
  {
    name: 'server 500 for 1.5 s',
    sent: 20,
    async run(h) {
      const page = await h.open();
      h.recorder.respondWith(500, { ms: 1500 });
      await h.track(page, 20);
      return h.settle(20, 15000);
    },
  },
  {
    name: 'server down 1.5 s, then back',
    sent: 20,
    async run(h) {
      const page = await h.open();
      await h.recorder.refuse();
      await h.track(page, 20);
      await sleep(1500);
      await h.recorder.accept();
      return h.settle(20, 15000);
    },
  },
  {
    name: 'offline 1 s, then online',
    sent: 10,
    async run(h) {
      const page = await h.open();
      await h.context.setOffline(true);
      await h.track(page, 10);
      await sleep(1000);
      await h.context.setOffline(false);
      return h.settle(10, 10000);
    },
  },
  {
    name: 'reload mid-flight (server slow)',
    sent: 10,
    async run(h) {
      const page = await h.open();
      h.recorder.slow(600, { count: 2 });
      await h.track(page, 10);
      await page.reload();
      await page.waitForFunction(() => !!window.benchTarget, null, { timeout: 15000 });
      return h.settle(10, 15000);
    },
  },
  {
    name: 'tab crashed (no pagehide), new page',
    sent: 10,
    async run(h) {
      const page = await h.open();
      h.recorder.hang();
      await h.track(page, 10);
      await sleep(300);
      await h.crash(page);
      h.recorder.clearFaults();
      h.recorder.releaseHung();
      await h.open();
      return h.settle(10, 15000);
    },
  },
];
