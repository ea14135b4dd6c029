// cytoscape-edgehandles' browser build takes memoize and throttle from window._ (lodash). These two
// small functions are all it needs, so the page loads no lodash.
(function () {
  "use strict";
  function memoize(fn, resolver) {
    const memo = function (...args) {
      const key = resolver ? resolver.apply(this, args) : args[0];
      if (memo.cache.has(key)) return memo.cache.get(key);
      const value = fn.apply(this, args);
      memo.cache.set(key, value);
      return value;
    };
    memo.cache = new Map();
    return memo;
  }
  function throttle(fn, wait) {
    let last = 0;
    let timer = null;
    let pending = null;
    function run() {
      last = Date.now();
      timer = null;
      const [context, args] = pending;
      pending = null;
      fn.apply(context, args);
    }
    const throttled = function (...args) {
      pending = [this, args];
      const remaining = wait - (Date.now() - last);
      if (remaining <= 0) run();
      else if (!timer) timer = setTimeout(run, remaining);
    };
    throttled.cancel = function () {
      clearTimeout(timer);
      timer = null;
      pending = null;
    };
    return throttled;
  }
  window._ = Object.assign(window._ || {}, { memoize, throttle });
})();
