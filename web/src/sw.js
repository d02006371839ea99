// The service worker: after the first visit the page opens and runs cells offline. web/build.mjs
// bundles this file as sw.js at the site root and defines GRADLAB_VERSION (a hash of every
// file of the site, so any change of the build is a new version) and GRADLAB_SHELL (what the
// page loads before it is usable: index.html, app.js, app.css, their static chunks, the worker
// and the module). Those are cached when the worker installs; anything else of this origin
// (the lessons, chunks loaded on demand) is cached the first time it is fetched.
// Cache-first: a new build is a new sw.js (its version differs), which the browser installs on
// the next visit; it takes over at once and deletes the old version's cache, so the visit
// after that runs the new build. Nothing from another origin is ever fetched or cached.
/* global GRADLAB_VERSION, GRADLAB_SHELL */

/** @type {string} */
const VERSION = GRADLAB_VERSION;
/** @type {string[]} paths relative to the scope */
const SHELL = GRADLAB_SHELL;
const PREFIX = 'gradlab-';
const CACHE = `${PREFIX}${VERSION}`;

/** @type {any} */
const sw = self;

/** @param {string} path */
const inScope = (path) => new URL(path, sw.registration.scope).href;

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // no-cache: revalidate with the server rather than take a stale HTTP-cache copy.
      await cache.addAll(SHELL.map((p) => new Request(inScope(p), { cache: 'no-cache' })));
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
      }
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== location.origin) return;
  event.respondWith(respond(request));
});

/**
 * The cached copy, else the network's (kept for next time when it is a complete same-origin
 * answer). A page navigation (any query string; a share link's cells are in the fragment,
 * which is never sent) is answered with the cached index.html.
 * @param {Request} request
 */
async function respond(request) {
  const cache = await caches.open(CACHE);
  const hit =
    request.mode === 'navigate'
      ? ((await cache.match(request, { ignoreSearch: true })) ?? (await cache.match(inScope('index.html'))))
      : await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && response.status === 200 && response.type === 'basic') {
    await cache.put(request, response.clone());
  }
  return response;
}
