// The SPARQL page's editor: YASGUI on this server's endpoint, with the project's prefixes and
// named queries. Everything it needs comes from data- attributes of #editor and from this
// server, so the page runs under script-src 'self', style-src 'self' and connect-src 'self'.
// Without JavaScript (or if YASGUI fails to load) the plain form stays in place.
(function () {
  "use strict";

  var TERM_QUERIES = {
    "kg-classes": "SELECT DISTINCT ?term WHERE { [] a ?term } ORDER BY ?term",
    "kg-properties": "SELECT DISTINCT ?term WHERE { [] ?term [] } ORDER BY ?term",
  };

  // The stylesheets YASR's column resizer (column-resizer 1.4) would add to <head> as inline
  // <style> elements, which style-src 'self' refuses. Their rules are in query-editor.css. The
  // resizer adds a sheet only when no <style> found by head.querySelectorAll("style") has the
  // string-hash of its text as `gripid`; a <style> never put in the document is never applied,
  // so one such placeholder per sheet is listed there.
  var RESIZER_SHEETS = [
    " .grip-resizable{table-layout:fixed;} " +
      ".grip-resizable > tbody > tr > td, .grip-resizable > tbody > tr > th{overflow:hidden} " +
      ".grip-padding > tbody > tr > td, .grip-padding > tbody > tr > th{padding-left:0!important; padding-right:0!important;} " +
      ".grip-container{ height:0px; position:relative;} " +
      ".grip-handle{margin-left:-5px; position:absolute; z-index:5; } " +
      ".grip-handle .grip-resizable{position:absolute;background-color:red;filter:alpha(opacity=1);opacity:0;width:10px;height:100%;cursor: col-resize;top:0px} " +
      ".grip-lastgrip{position:absolute; width:1px; } " +
      ".grip-drag{ border-left:1px dotted black;\t} " +
      ".grip-flex{width:auto!important;} " +
      ".grip-handle.grip-disabledgrip .grip-resizable{cursor:default; display:none;}",
    "*{cursor:col-resize!important}",
  ];

  function stringHash(text) {  // the string-hash package, as column-resizer uses it
    var hash = 5381;
    for (var i = text.length; i;) hash = (33 * hash) ^ text.charCodeAt(--i);
    return hash >>> 0;
  }

  function placeResizerSheets() {
    var placeholders = RESIZER_SHEETS.map(function (sheet) {
      var placeholder = document.createElement("style");
      placeholder.gripid = stringHash(sheet).toString();
      return placeholder;
    });
    var head = document.head;
    var query = head.querySelectorAll;
    head.querySelectorAll = function (selectors) {
      var found = query.call(head, selectors);
      if (selectors !== "style") return found;
      return Array.prototype.slice.call(found).concat(placeholders);
    };
  }

  // The prefixes the server predeclares are declared for the editor's parser too, so a query
  // that uses them without PREFIX lines is not marked as an error, and their terms complete.
  function predeclare(Yasqe, prefixes) {
    var factory = Yasqe.modes.sparql11;
    Yasqe.defineMode("sparql11", function (config, parserConfig) {
      var mode = factory(config, parserConfig);
      var startState = mode.startState;
      mode.startState = function () {
        var state = startState.apply(mode, arguments);
        Object.keys(prefixes).forEach(function (p) { state.prefixes[p] = prefixes[p]; });
        return state;
      };
      return mode;
    });
  }

  // YASQE's tooltip on a syntax error writes markup with a style attribute; this one writes text.
  function plainErrorTooltips(Yasqe) {
    var checkSyntax = Yasqe.prototype.checkSyntax;
    Yasqe.prototype.checkSyntax = function () {
      checkSyntax.apply(this, arguments);
      var yasqe = this;
      var doc = yasqe.getDoc();
      for (var line = 0; line < doc.lineCount(); line++) {
        var markers = yasqe.lineInfo(line).gutterMarkers;
        var icon = markers && markers.gutterErrorBar;
        if (!icon) continue;
        var state = yasqe.getTokenAt({ line: line, ch: doc.getLine(line).length }, true).state;
        var text = state.errorMsg ||
          "This line is invalid. Expected: " + (state.possibleCurrent || []).join(", ");
        var tip = document.createElement("div");
        tip.className = "yasqe_tooltip";
        tip.textContent = text;
        tip.hidden = true;
        icon.appendChild(tip);
        icon.onmouseover = function () { this.lastChild.hidden = false; };
        icon.onmouseout = function () { this.lastChild.hidden = true; };
      }
    };
  }

  function fetchTerms(endpoint, query) {
    var body = new URLSearchParams();
    body.append("query", query);
    return fetch(endpoint, {
      method: "POST",
      headers: { Accept: "application/sparql-results+json" },
      body: body,
    })
      .then(function (response) {
        if (!response.ok) throw new Error("the endpoint answered " + response.status);
        return response.json();
      })
      .then(function (json) {
        return json.results.bindings
          .filter(function (row) { return row.term && row.term.type === "uri"; })
          .map(function (row) { return row.term.value; });
      });
  }

  // Prefixes from the project, classes and properties from the graph itself, in place of
  // YASQE's defaults (prefix.cc and Linked Open Vocabularies), which live on other hosts.
  function registerCompleters(Yasqe, endpoint, prefixes) {
    var declarations = Object.keys(prefixes).sort().map(function (p) {
      return p + ": <" + prefixes[p] + ">";
    });
    Yasqe.forkAutocompleter("prefixes", {
      name: "kg-prefixes", get: declarations, persistenceId: "kg-prefixes",
    }, false);
    Object.keys(TERM_QUERIES).forEach(function (name) {
      var terms = null;
      Yasqe.forkAutocompleter(name === "kg-classes" ? "class" : "property", {
        name: name,
        bulk: false,
        get: function (_yasqe, token) {
          if (terms === null) terms = fetchTerms(endpoint, TERM_QUERIES[name]);
          var start = (token && token.autocompletionString) || "";
          return terms.then(function (all) {
            return all.filter(function (iri) { return iri.indexOf(start) === 0; });
          });
        },
      }, false);
    });
    Yasqe.defaults.autocompleters = ["variables", "kg-prefixes", "kg-classes", "kg-properties"];
  }

  function start() {
    var section = document.getElementById("editor");
    var mount = document.getElementById("yasgui");
    var plain = document.getElementById("plain-query");
    var Yasgui = window.Yasgui;
    if (!section || !mount || !plain || typeof Yasgui !== "function") return;
    var endpoint = new URL(section.dataset.endpoint, window.location.href).href;
    var prefixes = JSON.parse(section.dataset.prefixes);
    var textarea = document.getElementById("query");
    placeResizerSheets();
    predeclare(Yasgui.Yasqe, prefixes);
    plainErrorTooltips(Yasgui.Yasqe);
    registerCompleters(Yasgui.Yasqe, endpoint, prefixes);

    section.hidden = false;
    plain.hidden = true;
    var yasgui = new Yasgui(mount, {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: true,
      endpointCatalogueOptions: {
        getData: function () { return [{ endpoint: endpoint }]; },
      },
      yasqe: { value: textarea ? textarea.value : "", prefixCcApi: "" },
      yasr: { prefixes: prefixes },
      persistenceId: "kg-query-editor",
    });
    window.kgQueryEditor = yasgui;  // the editor, for scripts and tests of this page

    var examples = document.getElementById("examples");
    if (examples) {
      examples.addEventListener("change", function () {
        var option = examples.options[examples.selectedIndex];
        if (!option || !option.value) return;
        yasgui.addTab(true, {
          name: option.textContent,
          yasqe: { value: option.dataset.query },
          requestConfig: { endpoint: endpoint },
        }, { avoidDuplicateTabs: true });
        examples.selectedIndex = 0;
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
