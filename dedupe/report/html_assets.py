"""The stylesheet and script inlined in the HTML report.

Both are constants so that their SHA-256 hashes, computed at render time, can be named in the page's
Content-Security-Policy: the browser then runs this script and applies this style, and nothing else.
No inline ``style`` attributes and no event-handler attributes are used anywhere in the report.
"""

from __future__ import annotations

CSS = """
:root{--ink:#1d2330;--muted:#5b6475;--line:#d9dee7;--paper:#fff;--wash:#f5f7fa;--accent:#1f5fbf;
--agree:#1e7d4f;--agree-bg:#e5f4ec;--diverge:#b3261e;--diverge-bg:#fbe9e7;--unique:#6b5a00;--unique-bg:#fbf5d9;
--repeat:#fff0b3;--reuse:#dcebff;--figure:#7a4dbf;--current:#ffcf5c}
*{box-sizing:border-box}
html{scroll-padding-top:4rem}
body{margin:0;font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--ink);background:var(--wash)}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,summary:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:var(--ink);color:#fff;padding:.5rem 1rem;z-index:10}
.skip:focus{left:.5rem;top:.5rem}
header.top{background:var(--ink);color:#fff;padding:1.2rem 0 .9rem}
header.top h1{margin:0;font-size:1.45rem;font-weight:650;letter-spacing:.01em}
header.top p{margin:.25rem 0 0;color:#c9d1de;font-size:.9rem}
nav.sections{position:sticky;top:0;z-index:5;background:var(--paper);border-bottom:1px solid var(--line);
box-shadow:0 1px 3px rgba(0,0,0,.05)}
nav.sections ul{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;list-style:none;margin:0 auto;padding:.55rem 1.5rem;
max-width:1180px}
nav.sections a{text-decoration:none;font-weight:550;font-size:.92rem}
nav.sections a:hover{text-decoration:underline}
.count{display:inline-block;min-width:1.5em;padding:0 .4em;margin-left:.3em;border-radius:1em;background:var(--wash);
color:var(--muted);font-size:.8em;text-align:center;font-weight:600}
.wrap{max-width:1180px;margin:0 auto;padding:0 1.5rem}
main section.panel{background:var(--paper);border:1px solid var(--line);border-radius:8px;margin:1.5rem 0;
padding:1.1rem 1.5rem 1.4rem}
h2{font-size:1.25rem;margin:.2rem 0 .8rem}
h3{font-size:1.05rem;margin:1.2rem 0 .5rem}
.lead{color:var(--muted);margin:.1rem 0 1rem;max-width:75ch}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:.75rem;margin:0 0 1rem}
.card{border:1px solid var(--line);border-radius:6px;padding:.6rem .8rem;background:var(--wash)}
a.card{text-decoration:none;color:inherit}
a.card:hover{border-color:var(--accent)}
.card b{display:block;font-size:1.5rem;line-height:1.2}
.card span{color:var(--muted);font-size:.85rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.3rem 0 .8rem}
th,td{text-align:left;vertical-align:top;padding:.35rem .55rem;border-bottom:1px solid var(--line)}
td{overflow-wrap:break-word}
td.id,td .meta{overflow-wrap:anywhere;word-break:break-word}
main{overflow-wrap:break-word}
summary,h3,.occ .where,ul.brief,.member,.doc .meta,header.top p,.lead,.legend{overflow-wrap:anywhere}
table.documents td.nowrap{white-space:normal}
td.nowrap{white-space:nowrap}
th{background:var(--wash);font-weight:600;color:#3a4252}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;overflow-wrap:normal}
.scroll{overflow-x:auto}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:1em;font-size:.78rem;font-weight:650;
text-transform:uppercase;letter-spacing:.03em;border:1px solid transparent}
.badge.agreement,.badge.consistent{background:var(--agree-bg);color:var(--agree);border-color:#b9dfca}
.badge.divergence,.badge.conflict{background:var(--diverge-bg);color:var(--diverge);border-color:#f1c0ba}
.badge.unique,.badge.uncertain{background:var(--unique-bg);color:var(--unique);border-color:#eadc9c}
.badge.repeat{background:var(--repeat);color:#6a5300}
.badge.reuse{background:var(--reuse);color:#1c4f93}
.badge.near_duplicate,.badge.boilerplate{background:#ece6f7;color:#553c8f}
.finding{border:1px solid var(--line);border-left:4px solid var(--line);border-radius:6px;padding:.7rem 1rem;
margin:.8rem 0;background:var(--paper)}
.finding.repeat{border-left-color:#e0b400}.finding.reuse{border-left-color:#5b93e0}
.finding.near_duplicate,.finding.boilerplate{border-left-color:#8e6fd0}
.finding.agreement{border-left-color:var(--agree)}.finding.divergence{border-left-color:var(--diverge)}
.finding.unique{border-left-color:#c9a800}
.finding.conflict{border-left-color:var(--diverge)}.finding.consistent{border-left-color:var(--agree)}
.finding.uncertain{border-left-color:#c9a800}
.finding h3{margin:0 0 .4rem;font-size:1rem;display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.meta{color:var(--muted);font-size:.85rem}
.occ{margin:.45rem 0 0;padding:.45rem .7rem;background:var(--wash);border-radius:4px}
.occ .where{font-size:.82rem;color:var(--muted);margin-bottom:.15rem}
.occ .ctx{white-space:pre-wrap;overflow-wrap:anywhere}
mark.span{background:var(--repeat);padding:0 .1em;border-radius:2px}
.finding.reuse mark.span{background:var(--reuse)}
.members{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:.6rem;margin-top:.4rem}
.member{border:1px solid var(--line);border-radius:5px;padding:.5rem .7rem;background:var(--wash)}
.member .outlet{font-weight:650}
.member q{display:block;quotes:none;margin-top:.25rem;overflow-wrap:anywhere}
mark.word{background:var(--diverge-bg);color:var(--diverge);font-weight:650;padding:0 .12em;border-radius:2px;
outline:1px solid #f1c0ba}
mark.fig{background:#efe8fb;color:#4b2c86;font-weight:650;padding:0 .12em;border-radius:2px;
outline:1px solid #d9c9f3}
ul.reasons{margin:.3rem 0 .2rem;padding-left:1.2rem}
ul.reasons li{margin:.1rem 0}
.rtype{font-weight:650;color:var(--diverge)}
.toolbar{display:flex;flex-wrap:wrap;gap:.4rem;margin:.2rem 0 .6rem}
.toolbar button{font:inherit;font-size:.85rem;padding:.25rem .8rem;border:1px solid var(--line);border-radius:1em;
background:var(--paper);color:var(--ink);cursor:pointer}
.toolbar button[aria-pressed=true]{background:var(--ink);color:#fff;border-color:var(--ink)}
.claims[data-show=agreement] .finding:not(.agreement),.claims[data-show=divergence] .finding:not(.divergence),
.claims[data-show=unique] .finding:not(.unique),.claims[data-show=agreement] .uniques,
.claims[data-show=divergence] .uniques{display:none}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
details{margin:.4rem 0}
summary{cursor:pointer;font-weight:600}
table.matrix td,table.matrix th{text-align:center;padding:.25rem .4rem}
table.matrix td.claim,table.matrix th.claim{text-align:left;max-width:34rem}
table.matrix th.outlet{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;vertical-align:bottom;
font-size:.82rem}
.dot{display:inline-block;width:.8rem;height:.8rem;border-radius:50%;vertical-align:middle}
.dot.agreement{background:var(--agree)}.dot.divergence{background:var(--diverge)}.dot.unique{background:#c9a800}
a.cell{display:inline-block;padding:.1rem .3rem;border-radius:3px}
.legend{display:flex;flex-wrap:wrap;gap:1rem;font-size:.85rem;color:var(--muted);margin:.3rem 0}
svg.range{display:block;max-width:100%;height:auto;margin:.4rem 0 .2rem;font:12px system-ui,sans-serif}
svg.range .axis{stroke:#9aa3b2;stroke-width:1}
svg.range .grid{stroke:#e6e9ef;stroke-width:1}
svg.range .tick{fill:#5b6475}
svg.range .label{fill:#1d2330}
svg.range .bar{fill:#5b93e0}
svg.range .bar.open{fill:#9fc0ee}
svg.range .point{fill:#1f5fbf}
svg.range .value{fill:#3a4252;font-weight:600}
svg.range.conflict .bar,svg.range.conflict .point{fill:#c2453c}
svg.range.conflict .bar.open{fill:#e8a29c}
svg.range .band{fill:#eef3fb}
.doc{border-top:1px solid var(--line);padding:1rem 0 .5rem}
.doc:first-of-type{border-top:0}
.doc h3{margin:0 0 .2rem}
.fulltext{white-space:pre-wrap;overflow-wrap:anywhere;font-family:Georgia,"Times New Roman",serif;font-size:1rem;
line-height:1.65;max-width:78ch;margin:.6rem 0}
.fulltext span[id]:target,.fulltext span.target{outline:2px solid var(--accent);outline-offset:2px;background:#eef3fb}
.fulltext mark{background:none;color:inherit}
.fulltext mark.repeat{background:var(--repeat)}
.fulltext mark.reuse{background:var(--reuse)}
.fulltext mark.figure{border-bottom:2px solid var(--figure)}
.fulltext [data-h].current{background:var(--current);box-shadow:0 0 0 2px var(--current)}
.top-link{font-size:.85rem}
.empty{color:var(--muted);font-style:italic}
footer{color:var(--muted);font-size:.82rem;padding:1rem 0 2rem}
@media (max-width:700px){.wrap{padding:0 .8rem}main section.panel{padding:.9rem}}
@media print{
body{background:#fff;font-size:10.5pt}
nav.sections,.skip,.toolbar,.top-link{display:none}
header.top{background:#fff;color:#000;border-bottom:2px solid #000}
header.top p{color:#333}
main section.panel{border:0;padding:0;margin:0 0 1rem}
.finding,.member,svg.range,tr{break-inside:avoid}
.claims .finding{display:block!important}
a{color:inherit;text-decoration:none}
.fulltext{max-width:none}
h2{break-after:avoid}
#documents{break-before:page}
}
"""

JS = """
(function () {
  'use strict';
  var current = null;
  // Code point offsets (the report's) to UTF-16 indices (the DOM's); null when they are the same.
  function units(text) {
    if (!/[\\uD800-\\uDFFF]/.test(text)) { return null; }
    var map = [0];
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c >= 0xD800 && c <= 0xDBFF && i + 1 < text.length) {
        var d = text.charCodeAt(i + 1);
        if (d >= 0xDC00 && d <= 0xDFFF) { i++; }
      }
      map.push(i + 1);
    }
    return map;
  }
  function pairs(value) {
    return (value || '').split(' ').filter(function (item) { return item !== ''; })
      .map(function (item) { return item.split(','); });
  }
  // Turn a document's text and data (dedupe.report.html_text.full_text) into sentence spans and marks.
  function build(box) {
    if (!box || box.hasAttribute('data-built')) { return; }
    box.setAttribute('data-built', '');
    var text = box.textContent, map = units(text), doc = box.getAttribute('data-doc');
    var size = map ? map.length - 1 : text.length;
    var at = function (n) { return map ? map[n] : n; };
    var points = [0, size], sentenceAt = {}, starts = {}, ends = {}, pos = 0;
    pairs(box.getAttribute('data-sentences')).forEach(function (item) {
      var start = pos + Number(item[0]);
      pos = start + Number(item[1]);
      sentenceAt[start] = pos;
      points.push(start, pos);
    });
    pairs(box.getAttribute('data-marks')).forEach(function (item) {
      var start = Number(item[0]), end = Number(item[1]), mark = {key: 'h' + item[2], css: item[3] || ''};
      (starts[start] = starts[start] || []).push(mark);
      (ends[end] = ends[end] || []).push(mark);
      points.push(start, end);
    });
    points.sort(function (a, b) { return a - b; });
    var frag = document.createDocumentFragment(), active = [], sentence = null, sentenceEnd = -1;
    for (var i = 0; i + 1 < points.length; i++) {
      var here = points[i], next = points[i + 1];
      if (here === next) { continue; }
      (ends[here] || []).forEach(function (m) { active = active.filter(function (a) { return a.key !== m.key; }); });
      (starts[here] || []).forEach(function (m) {
        active = active.filter(function (a) { return a.key !== m.key; }); active.push(m);
      });
      if (here === sentenceEnd) { sentence = null; sentenceEnd = -1; }
      if (sentenceAt.hasOwnProperty(here) && sentenceEnd === -1) {
        sentence = document.createElement('span');
        sentence.id = 'doc-' + doc + '-' + here;
        frag.appendChild(sentence);
        sentenceEnd = sentenceAt[here];
      }
      var node = document.createTextNode(text.slice(at(here), at(next)));
      if (active.length) {
        var css = active.map(function (a) { return a.css; }).filter(function (c, k, all) {
          return c && all.indexOf(c) === k; }).sort();
        var wrap = document.createElement(css.length ? 'mark' : 'span');
        if (css.length) { wrap.className = css.join(' '); }
        wrap.setAttribute('data-h', active.map(function (a) { return a.key; }).join(' '));
        wrap.appendChild(node);
        node = wrap;
      }
      (sentence || frag).appendChild(node);
    }
    box.textContent = '';
    box.appendChild(frag);
  }
  function boxOf(id) {
    var found = /^doc-(\\d+)(?:-\\d+)?$/.exec(id || '');
    return found ? document.querySelector('.fulltext[data-doc="' + found[1] + '"]') : null;
  }
  function mark(key) {
    var old = document.querySelectorAll('.current');
    for (var i = 0; i < old.length; i++) { old[i].classList.remove('current'); }
    current = key;
    if (!key) { return; }
    var hits = document.querySelectorAll('[data-h~="' + key + '"]:not(a)');
    for (var j = 0; j < hits.length; j++) { hits[j].classList.add('current'); }
  }
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var box = boxOf(id), late = box && !box.hasAttribute('data-built');
    build(box);
    var el = id ? document.getElementById(id) : null;
    var old = document.querySelectorAll('.fulltext .target');
    for (var i = 0; i < old.length; i++) { old[i].classList.remove('target'); }
    for (var p = el; p; p = p.parentElement) {
      if (p.tagName === 'DETAILS' && !p.open) { p.open = true; late = true; }
    }
    if (el && box) { el.classList.add('target'); }
    if (el && late) { el.scrollIntoView(); }
  }
  document.addEventListener('click', function (event) {
    var link = event.target.closest ? event.target.closest('a[data-h]') : null;
    if (link) {
      build(boxOf(decodeURIComponent((link.getAttribute('href') || '').slice(1))));
      mark(link.getAttribute('data-h'));
    }
    var button = event.target.closest ? event.target.closest('button[data-filter]') : null;
    if (button) {
      var bar = button.parentElement;
      var list = document.getElementById(bar.getAttribute('data-for'));
      list.setAttribute('data-show', button.getAttribute('data-filter'));
      var buttons = bar.querySelectorAll('button');
      for (var k = 0; k < buttons.length; k++) {
        buttons[k].setAttribute('aria-pressed', buttons[k] === button ? 'true' : 'false');
      }
    }
  });
  var boxes = document.querySelectorAll('.fulltext[data-doc]');
  if (window.IntersectionObserver) {
    var seen = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { build(entry.target); seen.unobserve(entry.target); }
      });
    }, {rootMargin: '800px 0px'});
    for (var b = 0; b < boxes.length; b++) { seen.observe(boxes[b]); }
  }
  window.addEventListener('hashchange', openTarget);
  window.addEventListener('beforeprint', function () {
    var all = document.querySelectorAll('details');
    for (var i = 0; i < all.length; i++) { all[i].open = true; }
    for (var j = 0; j < boxes.length; j++) { build(boxes[j]); }
  });
  openTarget();
  document.documentElement.classList.add('js');
}());
"""
