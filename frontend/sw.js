// The app shells work offline: each app's page and its hashed assets are kept in a cache — the
// customer app's first bundle at install; its second one (the rarer pages) and the staff app once
// one of their pages is opened (fetched at install, the second bundle's download would compete with
// the next visits' own requests on a weak connection). A page is served from
// the cache at once and refreshed in the background (a new release shows on the next visit);
// hashed assets never change, so the cached copy is always right. The API is never cached here:
// the app keeps the last answers itself and marks them as saved earlier. The redirects of a sign-in
// through the identity provider (/auth/) always go to the server, never to the cached shell.
const CACHE = "caas-shell-v3";
const NETWORK_ONLY = ["/graphql", "/healthz", "/readyz", "/metrics", "/webhooks/", "/documents/", "/auth/"];

// The customer app's pages in its first bundle (the server's `in_first_bundle` in
// backend/src/http/spa.rs lists the same); every other page is its second bundle's, at /more/.
const FIRST = /^\/(index\.html|login|set-password|vehicles\/[^/]+(\/features)?|activations\/[^/]+|orders(\/[^/]+)?|notifications|queue)?\/?$/;

/// The shell (page) that serves a path: the staff app's under /staff/, else the customer app's
/// first or second bundle.
const shellOf = (path) =>
  path === "/staff" || path.startsWith("/staff/") ? "/staff/" : FIRST.test(path) ? "/" : "/more/";

async function cacheShell(shell) {
  const cache = await caches.open(CACHE);
  const page = await fetch(shell, { cache: "no-cache" });
  if (!page.ok) return;
  const html = await page.clone().text();
  const assets = [...html.matchAll(/(?:href|src)="(\/[^"]+)"/g)].map((m) => m[1]);
  await cache.addAll(assets.filter((url) => !url.startsWith("//")));
  await cache.put(shell, page);
}

self.addEventListener("install", (event) => {
  event.waitUntil(cacheShell("/").then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (NETWORK_ONLY.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (request.mode === "navigate") {
    const shell = shellOf(url.pathname);
    event.respondWith(
      caches.match(shell).then((cached) => {
        event.waitUntil(cacheShell(shell).catch(() => {}));
        return cached || fetch(request);
      }),
    );
    return;
  }
  event.respondWith(
    caches.match(request).then(
      (cached) =>
        cached ||
        fetch(request).then((response) => {
          if (response.ok && response.type === "basic") {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        }),
    ),
  );
});
