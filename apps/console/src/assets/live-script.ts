/**
 * The live view's script, served at /assets/live.js (the CSP allows scripts from the console's
 * own origin only, none inline). It listens to the page's stream and puts each `rows` event in
 * place of the table body. The markup comes from the server's escaping renderer (event-rows.ts),
 * the same that drew the page; the script adds no markup of its own.
 */
export const LIVE_SCRIPT = `'use strict';
(function () {
  var table = document.querySelector('table[data-live-stream]');
  var status = document.querySelector('[data-live-status]');
  if (!table || typeof EventSource === 'undefined') return;
  function show(text, state) {
    if (!status) return;
    status.textContent = text;
    status.className = 'live-status ' + state;
  }
  var source = new EventSource(table.getAttribute('data-live-stream'));
  source.onopen = function () { show('live', 'live'); };
  source.onerror = function () {
    show(source.readyState === EventSource.CLOSED ? 'disconnected: reload the page (signed out?)' : 'reconnecting…', 'lost');
  };
  source.addEventListener('rows', function (message) {
    var template = document.createElement('template');
    template.innerHTML = message.data;
    var body = template.content.querySelector('tbody');
    if (body && table.tBodies[0]) table.replaceChild(body, table.tBodies[0]);
    show('live', 'live');
  });
})();
`;
