// weft view --html: draws the traces embedded in #weft-data (written by
// tools/weft/view_html.cc) as waterfalls, the links between spans as
// labelled SVG arrows, a details panel for the selected span, and filters.
//
// The URL fragment holds the state a person may share:
//   #span=<span id>      the selected span (its details panel is open)
//   &trace=<id prefix>   &service=<part of a name>   &name=<part of a span name>
//   &linked=1            also the traces linked to or from the matching ones
//
// Every text from the spans goes into the page with textContent, never as
// markup. For 10,000 spans the page is built in one pass into a
// DocumentFragment; rows have a fixed height, so the arrows are placed with
// one layout read per trace, not per span. An arrow (an SVG g.arrow) goes
// from the linked span (data-from) to the span that holds the link
// (data-to), as in the Mermaid diagram of `weft view --mermaid`.
(function () {
  'use strict';

  const data = JSON.parse(document.getElementById('weft-data').textContent);
  const main = document.getElementById('traces');
  const details = document.getElementById('details');
  const summary = document.getElementById('summary');
  const inputs = {
    trace: document.getElementById('filter-trace'),
    service: document.getElementById('filter-service'),
    name: document.getElementById('filter-name'),
    linked: document.getElementById('filter-linked'),
  };
  const SVG = 'http://www.w3.org/2000/svg';
  // The fixed height of a row, from page.css.
  const ROW_PX = parseFloat(getComputedStyle(main).getPropertyValue('--row')) || 22;
  const MAX_INDENT = 32;  // deeper spans are drawn at this level
  const INDENT_PX = 14;

  // ------------------------------------------------------------ helpers --

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // As `weft view` prints them: 850ns, 12.3µs, 4.56ms, 1.23s.
  function formatDuration(ns) {
    if (ns < 0) return '-' + formatDuration(-ns);
    if (ns < 1e3) return ns + 'ns';
    if (ns < 1e6) return (ns / 1e3).toFixed(1) + '\u00b5s';
    if (ns < 1e9) return (ns / 1e6).toFixed(2) + 'ms';
    return (ns / 1e9).toFixed(2) + 's';
  }

  function kindText(kind) {
    const names = {2: 'server', 3: 'client', 4: 'producer', 5: 'consumer'};
    if (kind === 0 || kind === 1) return '';
    return names[kind] || 'kind ' + kind;
  }

  function statusText(code) {
    const names = {0: '', 1: 'ok', 2: 'ERROR'};
    return code in names ? names[code] : 'code ' + code;
  }

  function relationshipOf(link) {
    return link.relationship || 'link';
  }

  function shortId(id) {
    return id.slice(0, 8);
  }

  function plural(count, one, many) {
    return count + ' ' + (count === 1 ? one : many);
  }

  // A stable colour per service.
  function hue(text) {
    let hash = 0;
    for (let i = 0; i < text.length; i++) {
      hash = (hash * 31 + text.charCodeAt(i)) | 0;
    }
    return Math.abs(hash) % 360;
  }

  function spanKey(traceId, spanId) {
    return traceId + '/' + spanId;
  }

  // ------------------------------------------------------------- model --

  const byKey = new Map();     // trace/span -> span
  const bySpanId = new Map();  // span id -> the first span with it

  // The spans of `trace` in tree order (parents before children, siblings
  // by start), each with its depth; spans of a parent cycle come last.
  function treeOrder(trace) {
    const ids = new Set(trace.spans.map((span) => span.id));
    const children = new Map();
    const roots = [];
    for (const span of trace.spans) {
      if (span.parent && span.parent !== span.id && ids.has(span.parent)) {
        if (!children.has(span.parent)) children.set(span.parent, []);
        children.get(span.parent).push(span);
      } else {
        roots.push(span);
      }
    }
    const order = [];
    const visited = new Set();
    const visit = (root) => {
      const pending = [[root, 0]];
      while (pending.length > 0) {
        const [span, depth] = pending.pop();
        if (visited.has(span)) continue;
        visited.add(span);
        span.depth = depth;
        order.push(span);
        const below = children.get(span.id) || [];
        for (let i = below.length - 1; i >= 0; i--) {
          pending.push([below[i], depth + 1]);
        }
      }
    };
    roots.forEach(visit);
    trace.spans.forEach(visit);
    return order;
  }

  for (const trace of data.traces) {
    trace.order = treeOrder(trace);
    trace.services = new Set();
    trace.linkedTraces = new Set();
    trace.linkCount = 0;
    trace.order.forEach((span, index) => {
      span.trace = trace;
      span.rowIndex = index;
      byKey.set(spanKey(trace.id, span.id), span);
      if (!bySpanId.has(span.id)) bySpanId.set(span.id, span);
      if (span.service) trace.services.add(span.service);
      trace.linkCount += span.links.length;
    });
  }
  // The drawable links, and which traces are linked (for "linked traces").
  const arrows = [];
  for (const trace of data.traces) {
    for (const span of trace.order) {
      for (const link of span.links) {
        const target = byKey.get(spanKey(link.trace, link.span));
        if (!target) continue;
        arrows.push({from: target, to: span, relationship: relationshipOf(link)});
        if (target.trace !== trace) {
          trace.linkedTraces.add(target.trace);
          target.trace.linkedTraces.add(trace);
        }
      }
    }
  }

  // -------------------------------------------------------------- page --

  // The cells of every row, cloned per span (quicker than building each).
  const rowTemplate = element('div', 'row');
  for (const cell of ['name-cell', 'service-cell', 'status-cell', 'duration', 'timeline']) {
    rowTemplate.appendChild(element('div', 'cell ' + cell));
  }
  rowTemplate.firstChild.appendChild(element('span', 'span-name'));
  rowTemplate.lastChild.appendChild(element('div', 'bar'));

  function spanRow(span) {
    const trace = span.trace;
    const row = rowTemplate.cloneNode(true);
    row.id = 'span-' + trace.id + '-' + span.id;
    row.setAttribute('data-span-id', span.id);
    row.setAttribute('data-trace-id', trace.id);
    row.setAttribute('style', '--hue:' + hue(span.service));
    if (span.status === 2) row.classList.add('error');

    const [name, service, status, duration, timeline] = row.children;
    name.setAttribute('style', 'padding-left:' + (6 + Math.min(span.depth, MAX_INDENT) * INDENT_PX) + 'px');
    name.firstChild.textContent = span.name || '(unnamed)';
    const kind = kindText(span.kind);
    if (kind) name.appendChild(element('span', 'kind', kind));
    if (span.depth > MAX_INDENT) name.appendChild(element('span', 'kind', 'depth ' + span.depth));
    if (span.links.length > 0) {
      name.appendChild(element('span', 'link-count', '\u2937 ' + span.links.length));
    }
    if (span.incoming.length > 0) {
      name.appendChild(element('span', 'link-count', '\u2936 ' + span.incoming.length));
    }
    if (span.endsBeforeStart) name.appendChild(element('span', 'error-message', '\u26a0 end<start'));
    if (span.status === 2 && span.message) {
      name.appendChild(element('span', 'error-message', '\u2717 ' + span.message));
    }
    service.textContent = span.service;
    status.textContent = statusText(span.status);
    if (span.status === 2) status.classList.add('error');
    if (span.status === 1) status.classList.add('ok');
    duration.textContent = formatDuration(span.duration);
    const total = Math.max(trace.duration, 1);
    timeline.firstChild.setAttribute('style',
        `left:${(100 * span.start) / total}%;width:${(100 * span.duration) / total}%`);
    span.row = row;
    return row;
  }

  function traceStartText(trace) {
    if (trace.start.length < 7) return '';
    const milliseconds = Number(trace.start.slice(0, -6));
    const date = new Date(milliseconds);
    return isNaN(date) ? '' : date.toISOString().replace('T', ' ').replace('Z', ' UTC');
  }

  function traceSection(trace) {
    const section = element('section', 'trace');
    section.id = 'trace-' + trace.id;
    section.dataset.traceId = trace.id;
    const header = element('div', 'trace-header');
    header.title = 'trace ' + trace.id + ' (click to fold or unfold)';
    header.appendChild(element('span', 'toggle'));
    header.appendChild(element('span', 'trace-id', 'trace ' + shortId(trace.id)));
    const root = trace.order[0];
    header.appendChild(element('span', 'trace-root', root ? root.name : ''));
    const facts = [
      Array.from(trace.services).sort().join(', ') || '(no service.name)',
      plural(trace.order.length, 'span', 'spans'),
      formatDuration(trace.duration),
      plural(trace.linkCount, 'link', 'links'),
      traceStartText(trace),
    ].filter((fact) => fact !== '');
    header.appendChild(element('span', 'trace-facts', facts.join(' \u00b7 ')));
    trace.pinNote = element('span', 'trace-pinned');
    header.appendChild(trace.pinNote);
    header.addEventListener('click', () => {
      section.classList.toggle('collapsed');
      drawArrows();
    });
    section.appendChild(header);

    const rows = element('div', 'rows');
    // Its exact height: the browser lays out the rows of a trace only when
    // they come near the screen (content-visibility in page.css), and the
    // traces below stay where they will be.
    rows.style.containIntrinsicSize = `auto ${trace.order.length * ROW_PX}px`;
    for (const span of trace.order) rows.appendChild(spanRow(span));
    section.appendChild(rows);
    trace.section = section;
    trace.rows = rows;
    return section;
  }

  const svg = document.createElementNS(SVG, 'svg');
  svg.id = 'arrows';
  svg.setAttribute('width', '100%');
  svg.setAttribute('height', '100%');
  svg.innerHTML =
      '<defs><marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" ' +
      'markerWidth="7" markerHeight="7" orient="auto-start-reverse">' +
      '<path d="M0,0 L10,5 L0,10 z"/></marker></defs>';
  const arrowLayer = document.createElementNS(SVG, 'g');
  svg.appendChild(arrowLayer);

  function build() {
    const fragment = document.createDocumentFragment();
    fragment.appendChild(svg);
    for (const trace of data.traces) fragment.appendChild(traceSection(trace));
    main.textContent = '';
    main.appendChild(fragment);
    document.getElementById('title').textContent = data.title;
    main.addEventListener('click', (event) => {
      const row = event.target.closest('.row');
      if (row) navigate({span: row.dataset.spanId, trace: row.dataset.traceId});
    });
  }

  function shown(trace) {
    return !trace.section.hidden && !trace.section.classList.contains('collapsed');
  }

  // Redraws every arrow whose two spans are shown; returns how many. Reads the layout once per
  // shown trace (where its rows start: the rows element is laid out also
  // when its rows are not) and once for the timeline's place; rows have the
  // fixed height --row.
  function drawArrows() {
    const rowsTop = new Map();
    let timelineLeft = 0;
    let timelineWidth = 0;
    for (const trace of data.traces) {
      if (!shown(trace)) continue;
      rowsTop.set(trace, trace.rows.offsetTop);
      if (timelineWidth === 0 && trace.order.length > 0) {
        const timeline = trace.order[0].row.lastChild;
        timelineLeft = timeline.offsetLeft;
        timelineWidth = timeline.clientWidth;
      }
    }
    const x = (span, time) =>
        timelineLeft + (timelineWidth * time) / Math.max(span.trace.duration, 1);
    const y = (span) => rowsTop.get(span.trace) + (span.rowIndex + 0.5) * ROW_PX;

    const fragment = document.createDocumentFragment();
    for (const arrow of arrows) {
      const {from, to} = arrow;
      if (!rowsTop.has(from.trace) || !rowsTop.has(to.trace)) continue;
      const x1 = x(from, from.start + from.duration);
      const y1 = y(from);
      const x2 = x(to, to.start);
      const y2 = y(to);
      const bend = Math.max(40, Math.abs(x2 - x1) / 3, Math.abs(y2 - y1) / 6);
      const group = document.createElementNS(SVG, 'g');
      group.setAttribute('class', from.trace === to.trace ? 'arrow same-trace' : 'arrow');
      group.dataset.from = from.id;
      group.dataset.to = to.id;
      group.dataset.fromTrace = from.trace.id;
      group.dataset.toTrace = to.trace.id;
      group.dataset.relationship = arrow.relationship;
      const path = document.createElementNS(SVG, 'path');
      path.setAttribute('d', `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`);
      path.setAttribute('marker-end', 'url(#arrowhead)');
      group.appendChild(path);
      const label = document.createElementNS(SVG, 'text');
      label.setAttribute('x', (x1 + x2) / 2);
      label.setAttribute('y', (y1 + y2) / 2);
      label.textContent = arrow.relationship;
      group.appendChild(label);
      fragment.appendChild(group);
    }
    const count = fragment.childNodes.length;
    arrowLayer.textContent = '';
    arrowLayer.appendChild(fragment);
    highlightArrows();
    return count;
  }

  // ----------------------------------------------------------- filters --

  let filters = null;  // as applied; set by the first applyFragment()

  function traceMatches(trace) {
    if (filters.trace && !trace.id.startsWith(filters.trace)) return false;
    const service = filters.service;
    const name = filters.name;
    if (!service && !name) return true;
    return trace.order.some((span) => spanMatches(span, service, name));
  }

  function spanMatches(span, service, name) {
    return (!service || span.service.toLowerCase().includes(service)) &&
        (!name || span.name.toLowerCase().includes(name));
  }

  function readFilters() {
    return {
      trace: inputs.trace.value.trim().toLowerCase(),
      service: inputs.service.value.trim().toLowerCase(),
      name: inputs.name.value.trim().toLowerCase(),
      linked: inputs.linked.checked,
    };
  }

  function writeInputs(values) {
    inputs.trace.value = values.trace;
    inputs.service.value = values.service;
    inputs.name.value = values.name;
    inputs.linked.checked = values.linked;
  }

  // Hides the traces that do not match; marks the spans that do. A span a
  // link led to stays shown (pinned) until the filters change.
  function applyFilters(values) {
    filters = values;
    const selected = new Set(data.traces.filter(traceMatches));
    if (filters.linked) {
      for (const trace of Array.from(selected)) {
        trace.linkedTraces.forEach((other) => selected.add(other));
      }
    }
    let shownCount = 0;
    let spanCount = 0;
    const marking = filters.service !== '' || filters.name !== '';
    for (const trace of data.traces) {
      trace.pinned = false;
      trace.pinNote.textContent = '';
      const hidden = !selected.has(trace);
      if (trace.section.hidden !== hidden) trace.section.hidden = hidden;
      if (!hidden) {
        shownCount++;
        spanCount += trace.order.length;
      }
      if (!hidden || trace.marked) {
        for (const span of trace.order) {
          span.row.classList.toggle(
              'match', marking && spanMatches(span, filters.service, filters.name));
        }
        trace.marked = marking;
      }
    }
    const drawn = drawArrows();
    summary.textContent =
        `${plural(shownCount, 'trace', 'traces')} of ${data.traces.length} shown, ` +
        `${plural(spanCount, 'span', 'spans')}, ${plural(drawn, 'link', 'links')} drawn`;
  }

  // ---------------------------------------------------- selection, panel --

  let selectedSpan = null;

  function highlightArrows() {
    for (const group of arrowLayer.children) {
      const on = selectedSpan !== null &&
          ((group.dataset.from === selectedSpan.id && group.dataset.fromTrace === selectedSpan.trace.id) ||
           (group.dataset.to === selectedSpan.id && group.dataset.toTrace === selectedSpan.trace.id));
      group.classList.toggle('highlight', on);
    }
  }

  function table(pairs) {
    const body = element('table');
    for (const [key, value] of pairs) {
      const row = element('tr');
      row.appendChild(element('td', '', key));
      const cell = element('td');
      if (value instanceof Node) {
        cell.appendChild(value);
      } else {
        cell.textContent = value;
      }
      row.appendChild(cell);
      body.appendChild(row);
    }
    return body;
  }

  // `skip`: a key not to list (a link's relationship, shown as its badge).
  function attributeTable(attributes, dropped, skip) {
    const pairs = attributes.filter(([key]) => key !== skip);
    if (dropped) pairs.push(['(dropped)', plural(dropped, 'attribute', 'attributes')]);
    return pairs.length > 0 ? table(pairs) : element('p', 'none', 'no attributes');
  }

  // A link to the span `spanId` of trace `traceId`: an anchor that selects it
  // when it is in the page, else text saying where it is.
  function spanReference(from, traceId, spanId, name, known) {
    const target = byKey.get(spanKey(traceId, spanId));
    const where = traceId === from.trace.id ? ' (same trace)' : ' in trace ' + shortId(traceId);
    if (target) {
      const anchor = element('a', 'span-link', (target.name || '(unnamed)') + where);
      anchor.href = fragmentFor({span: spanId});
      anchor.dataset.spanId = spanId;
      anchor.dataset.traceId = traceId;
      anchor.addEventListener('click', (event) => {
        event.preventDefault();
        navigate({span: spanId, trace: traceId});
      });
      return anchor;
    }
    return element('span', 'absent', known
        ? (name || '(unnamed)') + where + ' (not in this page: filtered out by weft view)'
        : 'span ' + shortId(spanId) + ' in trace ' + shortId(traceId) + ' (not in the input)');
  }

  function section(title, count) {
    return element('h3', '', count === undefined ? title : `${title} (${count})`);
  }

  function showDetails(span) {
    const panel = document.createDocumentFragment();
    const close = element('button', 'close', '\u2715');
    close.title = 'close (Esc)';
    close.addEventListener('click', () => navigate({span: ''}));
    panel.appendChild(close);
    panel.appendChild(element('h2', '', span.name || '(unnamed)'));
    const facts = [
      ['span', element('span', 'mono', span.id)],
      ['trace', element('span', 'mono', span.trace.id)],
      ['parent', span.parent ? element('span', 'mono', span.parent) : '(root)'],
      ['service', span.service],
      ['scope', span.scope],
      ['kind', kindText(span.kind) || (span.kind === 1 ? 'internal' : 'unspecified')],
      ['status', (statusText(span.status) || 'unset') + (span.message ? ': ' + span.message : '')],
      ['start', '+' + formatDuration(span.start) + ' in its trace'],
      ['duration', formatDuration(span.duration) + (span.endsBeforeStart ? ' (ends before it starts)' : '')],
    ];
    const factTable = table(facts);
    if (span.status === 2) factTable.rows[6].classList.add('error');
    panel.appendChild(factTable);

    panel.appendChild(section('Attributes', span.attributes.length));
    panel.appendChild(attributeTable(span.attributes, span.dropped && span.dropped.attributes));

    panel.appendChild(section('Events', span.events.length));
    const events = element('ul', 'events');
    for (const event of span.events) {
      const item = element('li', 'event');
      item.appendChild(element('span', 'mono', '+' + formatDuration(event.offset) + ' '));
      item.appendChild(element('strong', '', event.name));
      if (event.attributes.length > 0 || event.droppedAttributes) {
        const attributes = attributeTable(event.attributes, event.droppedAttributes);
        attributes.classList.add('attributes');
        item.appendChild(attributes);
      }
      events.appendChild(item);
    }
    if (span.dropped && span.dropped.events) {
      events.appendChild(element('li', 'none', plural(span.dropped.events, 'event', 'events') + ' dropped'));
    }
    panel.appendChild(span.events.length > 0 || events.childElementCount > 0
        ? events : element('p', 'none', 'no events'));

    panel.appendChild(section('Links', span.links.length));
    const links = element('ul', 'links');
    for (const link of span.links) {
      const item = element('li', 'link');
      item.appendChild(element('span', 'relationship', relationshipOf(link)));
      item.appendChild(document.createTextNode(' \u2192 '));
      item.appendChild(spanReference(span, link.trace, link.span, link.targetName, 'targetName' in link));
      const attributes =
          attributeTable(link.attributes, link.droppedAttributes, 'link.relationship');
      attributes.classList.add('attributes');
      item.appendChild(attributes);
      if (link.traceState) {
        item.appendChild(element('div', 'attributes mono', 'tracestate: ' + link.traceState));
      }
      links.appendChild(item);
    }
    if (span.dropped && span.dropped.links) {
      links.appendChild(element('li', 'none',
          `${plural(span.dropped.links, 'link', 'links')} dropped (over the link limit; ${span.links.length} kept)`));
    }
    panel.appendChild(links.childElementCount > 0 ? links : element('p', 'none', 'no links'));

    panel.appendChild(section('Linked from', span.incoming.length));
    const incoming = element('ul', 'incoming');
    for (const link of span.incoming) {
      const item = element('li', 'incoming-link');
      item.appendChild(spanReference(span, link.trace, link.span, link.name, true));
      item.appendChild(document.createTextNode(' as '));
      item.appendChild(element('span', 'relationship', relationshipOf(link)));
      incoming.appendChild(item);
    }
    panel.appendChild(span.incoming.length > 0 ? incoming : element('p', 'none', 'no links point at this span'));

    details.textContent = '';
    details.appendChild(panel);
    details.dataset.spanId = span.id;
    details.dataset.traceId = span.trace.id;
    details.hidden = false;
    document.body.classList.add('with-details');
  }

  function hideDetails() {
    details.hidden = true;
    details.textContent = '';
    delete details.dataset.spanId;
    document.body.classList.remove('with-details');
  }

  // Selects `span` (null: none). The arrows are redrawn only when the rows
  // moved: the panel opened or closed (the rows' width), or the span's trace
  // was hidden or folded; otherwise only their highlight changes.
  function select(span) {
    if (selectedSpan) selectedSpan.row.classList.remove('selected', 'flash');
    selectedSpan = span;
    const panelWasOpen = !details.hidden;
    if (!span) {
      hideDetails();
      if (panelWasOpen) drawArrows();
      else highlightArrows();
      return;
    }
    const trace = span.trace;
    let rowsMoved = !panelWasOpen;
    if (trace.section.hidden) {
      trace.pinned = true;
      trace.section.hidden = false;
      trace.pinNote.textContent = 'shown because a link led here';
      rowsMoved = true;
    }
    if (trace.section.classList.contains('collapsed')) {
      trace.section.classList.remove('collapsed');
      rowsMoved = true;
    }
    showDetails(span);
    span.row.classList.add('selected');
    void span.row.offsetWidth;  // restarts the flash animation
    span.row.classList.add('flash');
    if (rowsMoved) drawArrows();
    else highlightArrows();
    span.row.scrollIntoView({block: 'center'});
  }

  // ---------------------------------------------------------- fragment --

  function fragmentFor(change) {
    const values = Object.assign({}, filters, {span: selectedSpan ? selectedSpan.id : ''}, change);
    const parameters = new URLSearchParams();
    if (values.span) parameters.set('span', values.span);
    if (values.trace) parameters.set('trace', values.trace);
    if (values.service) parameters.set('service', values.service);
    if (values.name) parameters.set('name', values.name);
    if (values.linked) parameters.set('linked', '1');
    const text = parameters.toString();
    return text ? '#' + text : '#';
  }

  // Selects a span (by id; `trace` prefers the span of that trace) through
  // the fragment, so that the browser's Back returns to the previous one.
  let preferredTrace = '';
  function navigate(change) {
    preferredTrace = change.trace || '';
    const next = fragmentFor({span: change.span});
    if (next === location.hash || (next === '#' && location.hash === '')) {
      applyFragment();
    } else {
      location.hash = next;
    }
  }

  function applyFragment() {
    const parameters = new URLSearchParams(location.hash.slice(1));
    const values = {
      trace: (parameters.get('trace') || '').trim().toLowerCase(),
      service: (parameters.get('service') || '').trim().toLowerCase(),
      name: (parameters.get('name') || '').trim().toLowerCase(),
      linked: parameters.get('linked') === '1' || parameters.get('linked') === 'true',
    };
    const changed = JSON.stringify(values) !== JSON.stringify(filters);
    if (changed) {
      writeInputs(values);
      applyFilters(values);
    }
    const id = (parameters.get('span') || '').trim().toLowerCase();
    const span = id ? byKey.get(spanKey(preferredTrace, id)) || bySpanId.get(id) : null;
    preferredTrace = '';
    if (id && !span) {
      summary.textContent += ` \u00b7 span ${id} is not in this page`;
    }
    if (span !== selectedSpan || (span && details.hidden)) select(span || null);
  }

  let typing = 0;
  function onFilterInput() {
    clearTimeout(typing);
    typing = setTimeout(() => {
      applyFilters(readFilters());
      history.replaceState(null, '', fragmentFor({}));
    }, 150);
  }

  // -------------------------------------------------------------- start --

  build();
  for (const input of [inputs.trace, inputs.service, inputs.name]) {
    input.addEventListener('input', onFilterInput);
  }
  inputs.linked.addEventListener('change', onFilterInput);
  document.getElementById('filters').addEventListener('submit', (event) => event.preventDefault());
  document.getElementById('filter-clear').addEventListener('click', () => {
    writeInputs({trace: '', service: '', name: '', linked: false});
    onFilterInput();
  });
  window.addEventListener('hashchange', applyFragment);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && selectedSpan) navigate({span: ''});
  });
  let resizing = 0;
  window.addEventListener('resize', () => {
    clearTimeout(resizing);
    resizing = setTimeout(drawArrows, 100);
  });

  applyFragment();  // filters is null: applies them, from the fragment

  // How long loading and drawing took: since navigation (performance.now()
  // counts from it), after a forced layout of everything drawn.
  void document.body.offsetHeight;
  const elapsed = performance.now();
  const timing = document.getElementById('render-time');
  timing.dataset.milliseconds = elapsed.toFixed(0);
  timing.dataset.spans = data.spanCount;
  timing.textContent =
      `page of ${plural(data.spanCount, 'span', 'spans')} drawn in ${elapsed.toFixed(0)} ms`;
})();
