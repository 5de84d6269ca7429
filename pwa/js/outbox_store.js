// Survey answers waiting for a connection, in IndexedDB so the service worker can send them too.
// A classic script on purpose: the service worker loads it with importScripts, the page imports it for its
// side effect; both get the same `self.WayHomeOutbox`. Only the answers and the device token are queued.
(function () {
  "use strict";
  const DB = "wayhome-outbox";
  const STORE = "answers";

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function run(mode, work) {
    const db = await open();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const result = work(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
        tx.onerror = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }

  const add = (item) => run("readwrite", (store) => store.add({ ...item, queuedAt: Date.now() }));
  const all = () => run("readonly", (store) => store.getAll());
  const remove = (id) => run("readwrite", (store) => store.delete(id));

  /** Send what is waiting. Kept when the network fails, the server is busy (429, 5xx); dropped otherwise:
   * a 4xx other than 429 means it will never be accepted (the survey closed, say). */
  async function flush() {
    const outcome = { sent: 0, refused: 0, waiting: 0 };
    for (const item of await all()) {
      let response;
      try {
        response = await fetch(item.url, { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify(item.body), credentials: "omit" });
      } catch (err) {
        outcome.waiting += 1;
        continue;
      }
      if (response.status === 429 || response.status >= 500) {
        outcome.waiting += 1;
        continue;
      }
      await remove(item.id);
      if (response.ok) outcome.sent += 1;
      else outcome.refused += 1;
    }
    return outcome;
  }

  async function count() {
    return (await all()).length;
  }

  self.WayHomeOutbox = { add, flush, count, SYNC_TAG: "wayhome-survey-answers" };
})();
