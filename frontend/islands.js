// Chợ OCOP's island loader: wakes the page's islands (Leptos `#[island]` components) by loading
// the wasm bundle — only on a page that has islands, and only once one of them is first touched,
// focused or hovered, so a visitor who only reads and follows links never downloads it. Until
// then every island is plain server HTML that works without JavaScript (forms post, links go).
// Based on Leptos 0.8's island_script.js, which loads eagerly on idle instead.
(() => {
  "use strict";
  const script = document.currentScript;
  const jsUrl = script.dataset.js;
  const wasmUrl = script.dataset.wasm;
  const TRIGGERS = ["pointerdown", "touchstart", "focusin", "keydown", "mouseover"];
  const childrenCallbacks = [];
  let started = false;

  async function hydrateIsland(el, mod) {
    const islandFn = mod[el.dataset.component];
    if (!islandFn) {
      console.warn(`No wasm function for the island ${el.dataset.component}.`);
      return;
    }
    const childrenCb = childrenCallbacks[childrenCallbacks.length - 1];
    if (childrenCb) childrenCb();
    const result = islandFn(el);
    if (result && result.then) await result;
  }

  async function traverse(node, mod) {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const tag = node.tagName.toLowerCase();
    if (tag === "leptos-island") {
      await hydrateIsland(node, mod);
      for (const child of node.children) await traverse(child, mod);
    } else if (tag === "leptos-children") {
      childrenCallbacks.push(node.$$on_hydrate);
      for (const child of node.children) await traverse(child, mod);
      childrenCallbacks.pop();
    } else {
      for (const child of node.children) await traverse(child, mod);
    }
  }

  // What the visitor did while the code was on its way is replayed once: the text typed into
  // the focused box (search suggestions, the price echo) and a photo already chosen.
  function replay() {
    const active = document.activeElement;
    if (active && active.closest("leptos-island") && "value" in active) {
      active.dispatchEvent(new Event("input", { bubbles: true }));
    }
    for (const input of document.querySelectorAll("leptos-island input[type=file]")) {
      if (input.files && input.files.length) input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function wake() {
    if (started) return;
    started = true;
    // Leptos's hydration reads these globals; the server leaves out its own empty inline
    // declarations (they would need a per-request nonce), so they are declared here.
    for (const name of ["__RESOLVED_RESOURCES", "__SERIALIZED_ERRORS", "__PENDING_RESOURCES",
      "__RESOURCE_RESOLVERS", "__INCOMPLETE_CHUNKS"]) {
      if (!(name in window)) window[name] = [];
    }
    for (const type of TRIGGERS) document.removeEventListener(type, onTrigger, true);
    import(jsUrl)
      .then((mod) => mod.default({ module_or_path: wasmUrl }).then(() => mod))
      .then(async (mod) => {
        mod.hydrate();
        await traverse(document.body, mod);
        // Said on the document, for whoever waits for the enhanced page (the browser tests).
        document.documentElement.dataset.islands = "awake";
        replay();
      })
      .catch((error) => {
        document.documentElement.dataset.islands = "failed";
        console.warn("Islands stay plain HTML:", error);
      });
  }

  function onTrigger(event) {
    if (event.target instanceof Element && event.target.closest("leptos-island")) wake();
  }

  if (!document.querySelector("leptos-island")) return;
  if (document.querySelector("leptos-island [data-eager]")) {
    if ("requestIdleCallback" in window) window.requestIdleCallback(wake);
    else setTimeout(wake);
    return;
  }
  for (const type of TRIGGERS) {
    document.addEventListener(type, onTrigger, { capture: true, passive: true });
  }
})();
