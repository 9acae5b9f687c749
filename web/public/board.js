// The aftersales board in the browser (W3): drag and drop with SortableJS, live
// changes by server-sent events, and an honest offline state. Without this
// script the board still works: every card has its Move-to form.
(function () {
  'use strict';

  var board = document.getElementById('board');
  if (!board || board.dataset.live === 'on') return;
  board.dataset.live = 'on';

  /** The viewer's CSRF token, as the card's own forms carry it (the page it was rendered for). */
  function csrfOf(card) {
    var input = card.querySelector('input[name="_csrf"]') || board.querySelector('input[name="_csrf"]');
    return input ? input.value : '';
  }
  var status = document.getElementById('board-connection');
  var messages = document.getElementById('board-messages');
  var lastEventId = board.dataset.lastEvent || '0';
  var source = null;
  var dragging = null;

  function column(name) {
    return board.querySelector('ol.cards[data-column="' + name + '"]');
  }

  /** Says what a move did above the board: an alert for a refusal or a conflict, else a polite status. */
  function say(text, urgent) {
    if (!messages) return;
    messages.textContent = '';
    if (!text) return;
    var line = document.createElement('div');
    line.className = urgent ? 'alert' : 'notice';
    line.setAttribute('role', urgent ? 'alert' : 'status');
    line.textContent = text;
    messages.appendChild(line);
  }

  function movedText(card) {
    var title = card.querySelector('.card-title');
    var heading = document.getElementById('column-' + card.dataset.column);
    var column = heading && heading.firstChild ? heading.firstChild.textContent.trim() : card.dataset.column;
    return (board.dataset.moved || '').replace('%NAME%', title ? title.textContent.trim() : '').replace('%COLUMN%', column);
  }

  function setOnline(online) {
    board.classList.toggle('offline', !online);
    if (status) {
      status.hidden = online;
      status.textContent = online ? '' : status.dataset.offline || 'Offline';
    }
  }

  /** Puts a card where its data says, earliest first, replacing the one shown; answers the new element. */
  function place(html) {
    var template = document.createElement('template');
    template.innerHTML = html.trim();
    var card = template.content.querySelector('li.card');
    if (!card) return null;
    var old = document.getElementById(card.id);
    if (old && old === dragging) return old; // the drop will answer with the card anyway
    var hadFocus = old && old.contains(document.activeElement);
    // A colour form someone opened on the card stays open (and keeps what they picked) when the card changes.
    var openForm = old ? old.querySelector('form.card-color') : null;
    if (old) old.remove();
    var list = column(card.dataset.column);
    if (!list) return null;
    if (board.dataset.waitingOnly === 'true' && card.dataset.waiting !== 'true') return null;
    var before = null;
    for (var i = 0; i < list.children.length; i++) {
      var other = list.children[i];
      if ((other.dataset.starts || '') > (card.dataset.starts || '')) {
        before = other;
        break;
      }
    }
    list.insertBefore(card, before);
    if (openForm) {
      var link = card.querySelector('.card-controls');
      if (link) link.replaceWith(openForm);
    }
    if (window.htmx) window.htmx.process(card);
    if (hadFocus) {
      var focusable = card.querySelector('form.move-to select') || card.querySelector('a');
      if (focusable) focusable.focus();
    }
    updateCounts();
    return card;
  }

  function remove(id) {
    var old = document.getElementById('card-' + id);
    if (old) old.remove();
    updateCounts();
  }

  function updateCounts() {
    board.querySelectorAll('ol.cards').forEach(function (list) {
      var count = board.querySelector('[data-count-for="' + list.dataset.column + '"]');
      if (count) count.textContent = String(list.children.length);
    });
  }

  // --- moves by drag and drop: the same POST as the Move-to form ---
  function move(card, target) {
    var from = card.dataset.column;
    var csrf = csrfOf(card);
    var body = new URLSearchParams({ column: target, from: from, _csrf: csrf });
    card.classList.add('moving');
    return fetch('/staff/board/cards/' + card.dataset.id + '/move', {
      method: 'POST',
      headers: { 'HX-Request': 'true', 'X-CSRF-Token': csrf, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: body,
      credentials: 'same-origin',
    })
      .then(function (response) {
        return response.text().then(function (html) {
          dragging = null;
          var placed = place(html);
          if (!placed) card.remove();
          var template = document.createElement('template');
          template.innerHTML = html;
          var alert = template.content.querySelector('[role="alert"]');
          if (alert) say(alert.textContent.trim(), true);
          else if (placed && placed.dataset.column !== from) say(movedText(placed), false);
        });
      })
      .catch(function () {
        dragging = null;
        // Not sent: the card goes back where it was, and the board says it is offline.
        var list = column(from);
        if (list) list.appendChild(card);
        setOnline(false);
      })
      .finally(function () {
        card.classList.remove('moving');
      });
  }

  function enableDrag() {
    board.querySelectorAll('ol.cards').forEach(function (list) {
      window.Sortable.create(list, {
        group: 'board',
        // Pointer events rather than the browser's own drag and drop: the same on touch screens, mouse and pen.
        forceFallback: true,
        animation: 120,
        filter: 'select, button, input, a, textarea',
        preventOnFilter: false,
        onStart: function (event) {
          dragging = event.item;
        },
        onEnd: function (event) {
          var target = event.to.dataset.column;
          if (event.from === event.to) {
            dragging = null;
            return;
          }
          move(event.item, target);
        },
      });
    });
  }

  // Scripts a boosted page load inserts run in any order: wait for SortableJS when it is not there yet.
  if (window.Sortable) enableDrag();
  else {
    var sortable = document.querySelector('script[src="/static/sortable.min.js"]');
    if (!sortable) {
      sortable = document.createElement('script');
      sortable.src = '/static/sortable.min.js';
      document.head.appendChild(sortable);
    }
    sortable.addEventListener('load', enableDrag);
  }

  // The Move-to control (keyboard, touch): the same small POST, answered with the card, instead of a page load.
  board.addEventListener(
    'submit',
    function (event) {
      var form = event.target;
      if (!form || !form.classList || !form.classList.contains('move-to')) return;
      var card = form.closest('li.card');
      var select = form.querySelector('select[name="column"]');
      if (!card || !select) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      move(card, select.value);
    },
    true,
  );

  // W7: a colour picked in a card's colour form is posted at once, answered with the card.
  board.addEventListener('change', function (event) {
    var select = event.target;
    var form = select && select.closest ? select.closest('form.card-color') : null;
    if (!form) return;
    var card = form.closest('li.card');
    fetch(form.action, {
      method: 'POST',
      headers: { 'HX-Request': 'true', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(new FormData(form)),
      credentials: 'same-origin',
    })
      .then(function (response) {
        return response.text();
      })
      .then(function (html) {
        // The form's work is done: the answered card comes with its Colour link again.
        var open = card && card.querySelector('form.card-color');
        if (open) open.remove();
        place(html);
      })
      .catch(function () {
        setOnline(false);
      });
  });

  // --- live changes: every move anywhere, by SSE, resumed from the last event seen ---
  function connect() {
    if (source) source.close();
    var url = board.dataset.events + (board.dataset.events.indexOf('?') >= 0 ? '&' : '?') + 'last=' + encodeURIComponent(lastEventId);
    source = new EventSource(url);
    source.addEventListener('open', function () {
      setOnline(true);
    });
    source.addEventListener('card', function (event) {
      if (event.lastEventId) lastEventId = event.lastEventId;
      place(event.data);
    });
    source.addEventListener('remove', function (event) {
      if (event.lastEventId) lastEventId = event.lastEventId;
      remove(event.data);
    });
    source.addEventListener('reload', function () {
      window.location.reload();
    });
    source.addEventListener('error', function () {
      if (!document.body.contains(board)) return source.close();
      setOnline(false);
      // The browser retries by itself (with Last-Event-ID) unless the server ended the stream for good.
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 2000);
    });
  }
  connect();
  window.addEventListener('online', function () {
    if (!source || source.readyState !== EventSource.OPEN) connect();
  });
  window.addEventListener('pagehide', function () {
    if (source) source.close();
  });
  // Left the board by a boosted link (htmx swaps the body): its stream closes with it.
  document.body.addEventListener('htmx:afterSettle', function () {
    if (source && !document.body.contains(board)) {
      source.close();
      source = null;
    }
  });

  // After an htmx Move-to, the answered card may belong in another column: place it there.
  document.body.addEventListener('htmx:afterSwap', function (event) {
    var card = event.target && event.target.closest ? event.target.closest('li.card') : null;
    if (card && card.parentElement && card.parentElement.dataset.column !== card.dataset.column) place(card.outerHTML);
  });
})();
