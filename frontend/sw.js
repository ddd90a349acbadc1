// The app shells work offline: each app's page and its hashed assets are kept in a cache — the
// customer app's first bundle at install; its second one (the rarer pages) and the staff app once
// one of their pages is opened (fetched at install, the second bundle's download would compete with
// the next visits' own requests on a weak connection). A page is served from
// the cache at once and refreshed in the background (a new release shows on the next visit);
// hashed assets never change, so the cached copy is always right. The API is never cached here:
// the app keeps the last answers itself and marks them as saved earlier. The redirects of a sign-in
// through the identity provider (/auth/) always go to the server, never to the cached shell. The
// installed app's notices come through here too (Web Push, below).
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

// Web Push: the server sends `{ "title", "body", "url", "tag" }`; a notice with the tag of an
// earlier one replaces it (one notice per order or car, not a pile). Opening it focuses a window of
// the app — the one already at its address, else any, taken there — or opens one.
const ICON = "/icons/icon-192.png";
const BADGE = "/icons/badge-96.png";
const RENEWED = "caas.push-renewed";

/// The payload of a push, whatever arrived: JSON as the server sends it, else its text as the body.
function payloadOf(data) {
  if (!data) return {};
  try {
    const json = data.json();
    return json && typeof json === "object" ? json : { body: String(json) };
  } catch (error) {
    return { body: data.text() };
  }
}

/// An address of this app (a notice never sends the user elsewhere).
function appUrl(url) {
  try {
    const target = new URL(url || "/", self.location.origin);
    return target.origin === self.location.origin ? target.href : self.location.origin + "/";
  } catch (error) {
    return self.location.origin + "/";
  }
}

self.addEventListener("push", (event) => {
  const payload = payloadOf(event.data);
  const options = { body: payload.body || "", icon: ICON, badge: BADGE, data: { url: appUrl(payload.url) } };
  if (payload.tag) {
    options.tag = String(payload.tag);
    options.renotify = true;
  }
  event.waitUntil(self.registration.showNotification(payload.title || "CaaS", options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = appUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const there = windows.find((client) => client.url === url);
      if (there) return there.focus();
      const any = windows.find((client) => "navigate" in client);
      if (any) {
        return any
          .focus()
          .then((client) => (client || any).navigate(url))
          .catch(() => self.clients.openWindow(url));
      }
      return self.clients.openWindow(url);
    }),
  );
});

// The push service renewed (or dropped) the subscription: subscribe again with the same server
// key, and tell the open windows, which register the new one with the server (the worker has no
// session of its own; a window that opens later does it as it starts).
self.addEventListener("pushsubscriptionchange", (event) => {
  const options = event.oldSubscription && event.oldSubscription.options;
  const renewed = event.newSubscription
    ? Promise.resolve(event.newSubscription)
    : options
      ? self.registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: options.applicationServerKey,
        })
      : Promise.resolve(null);
  event.waitUntil(
    renewed
      .catch(() => null)
      .then(() => self.clients.matchAll({ type: "window", includeUncontrolled: true }))
      .then((windows) => windows.forEach((client) => client.postMessage({ type: RENEWED }))),
  );
});
