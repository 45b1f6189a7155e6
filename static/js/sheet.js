/* The grade sheet page: checks cells as they are typed, moves between rows from the keyboard,
   lets a cell be typed over or edited in place as in a spreadsheet, spreads a column pasted
   from Excel down the sheet, saves with Ctrl+S and warns before unsaved changes are left. The
   accepted tokens come from the server (#sheet-grammar), which parses every posted cell again;
   this script only helps while typing. No library. */
(function () {
  "use strict";

  // The printout's "Print" button (also on pages without a sheet form).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  var form = document.getElementById("sheet-form");
  var grammarNode = document.getElementById("sheet-grammar");
  if (!form || !grammarNode) {
    return;
  }
  var grammar = JSON.parse(grammarNode.textContent);
  // Every row's cell, in the order of the table; the enabled ones are those a person may fill.
  var rows = Array.prototype.slice.call(form.querySelectorAll("input.grade"));
  var cells = rows.filter(function (input) { return !input.disabled; });
  var counter = document.getElementById("sheet-counter");
  var statusLine = document.getElementById("sheet-status");
  var saveButton = document.getElementById("sheet-save");
  var dirty = form.dataset.unsaved === "true";
  var leaving = false;
  // The cell being edited in place (F2 or a double click), and its value when that began.
  // Any other focused cell has its whole value selected, so typing replaces it: clicking into
  // "5" and typing "4" must give 4, not 45 points.
  var editing = null;
  var editingFrom = "";

  function has(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  // The form in which a typed grade is compared with the server's words: sessions_app/rules.py,
  // grade_key, does the same ("Удовл. " -> "удовл", "Н / Я" -> "н/я", "−" -> "-").
  function normalize(text) {
    var token = (text || "").toLowerCase().replace(/ё/g, "е").replace(/[\u2212\u2013\u2014]/g, "-");
    token = token.trim().replace(/^["'«»“”„]+|["'«»“”„]+$/g, "");
    token = token.replace(/\.+(?=\s|$)/g, "").replace(/\s*\/\s*/g, "/");
    return token.split(/\s+/).filter(Boolean).join(" ");
  }

  // {value, points} for a cell's text; {value: ""} for an empty cell; null when it is no grade.
  function parse(text) {
    if (!(text || "").trim()) {
      return { value: "", points: null };
    }
    var token = normalize(text);
    if (has(grammar.tokens, token)) {
      return { value: grammar.tokens[token], points: null };
    }
    // A digit with its word, as labels write a grade ("5 (отлично)", "3 — удовл."): rules.py,
    // grade_word, takes it when both name the same grade.
    var pair = /^(\S+) ?(?:\((.+)\)|- ?(.+))$/.exec(token);
    if (pair && has(grammar.tokens, pair[1])) {
      var word = normalize(pair[2] || pair[3]);
      if (has(grammar.tokens, word) && grammar.tokens[word] === grammar.tokens[pair[1]]) {
        return { value: grammar.tokens[word], points: null };
      }
    }
    // Whole points, also as a spreadsheet writes them ("87.0"); "5.0" is the grade 5, as "5" is.
    var whole = /^([0-9]{1,3})(?:[.,]0+)?$/.exec(token);
    if (whole && has(grammar.tokens, String(Number(whole[1])))) {
      return { value: grammar.tokens[String(Number(whole[1]))], points: null };
    }
    if (whole && grammar.points && Number(whole[1]) < grammar.points.length) {
      return { value: grammar.points[Number(whole[1])], points: Number(whole[1]) };
    }
    return null;
  }

  // Could the text still become a token as the person goes on typing ("сы" of "сынак")?
  function unfinished(text) {
    var token = normalize(text);
    return Object.keys(grammar.tokens).some(function (known) {
      return known.indexOf(token) === 0;
    });
  }

  function labelOf(parsed) {
    if (!parsed.value) {
      return "";
    }
    var text = grammar.labels[parsed.value] || parsed.value;
    return parsed.points === null ? text : text + " (" + parsed.points + ")";
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}|%\((\w+)\)s/g, function (match, brace, percent) {
      var key = brace || percent;
      return has(values, key) ? String(values[key]) : match;
    });
  }

  function parts(input) {
    var id = input.dataset.student;
    return {
      row: input.closest("tr"),
      label: document.getElementById("label-" + id),
      error: document.getElementById("error-" + id),
    };
  }

  function showError(input, message) {
    var p = parts(input);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", p.label.id + " " + p.error.id);
    p.error.textContent = message;
    p.error.hidden = false;
    p.label.textContent = "";
    p.row.classList.add("invalid");
  }

  function clearError(input, label) {
    var p = parts(input);
    input.removeAttribute("aria-invalid");
    input.setAttribute("aria-describedby", p.label.id);
    p.error.textContent = "";
    p.error.hidden = true;
    p.label.textContent = label;
    p.row.classList.remove("invalid");
  }

  // Check one cell; `typing` spares a cell that may still become a token. True if it is fine.
  function check(input, typing) {
    var parsed = parse(input.value);
    if (parsed) {
      clearError(input, labelOf(parsed));
      return true;
    }
    if (typing && unfinished(input.value)) {
      clearError(input, "");
      return true;
    }
    showError(input, format(grammar.invalid, { value: input.value.trim(), hint: grammar.hint }));
    return false;
  }

  function updateCounter() {
    var empty = cells.filter(function (input) { return !normalize(input.value); }).length;
    counter.dataset.empty = String(empty);
    counter.textContent = format(counter.dataset.template, { empty: empty, total: cells.length });
  }

  function changed() {
    dirty = cells.some(function (input) { return input.value !== input.defaultValue; }) ||
      form.dataset.unsaved === "true";
    updateCounter();
  }

  function say(message) {
    statusLine.textContent = message;
  }

  function startEditing(input) {
    editing = input;
    editingFrom = input.value;
    // The caret after the last character: typing adds to the value, the arrows move inside it.
    input.setSelectionRange(input.value.length, input.value.length);
  }

  function stopEditing() {
    editing = null;
  }

  function focusCell(input) {
    // "nearest" honours the page's scroll-padding, which keeps the row (with its message, if
    // any) clear of the sticky bar; then the cell itself, should the table scroll sideways.
    stopEditing();
    input.focus({ preventScroll: true });
    input.closest("tr").scrollIntoView({ block: "nearest" });
    input.scrollIntoView({ block: "nearest", inline: "nearest" });
    input.select();
  }

  function move(from, step) {
    var next = cells[cells.indexOf(from) + step];
    if (next) {
      focusCell(next);
      return true;
    }
    return false;
  }

  function isCell(node) {
    return node instanceof HTMLInputElement && node.classList.contains("grade") && !node.disabled;
  }

  function save() {
    if (!saveButton) {
      return;
    }
    if (form.requestSubmit) {
      form.requestSubmit(saveButton);
    } else {
      saveButton.click();
    }
  }

  form.addEventListener("input", function (event) {
    if (isCell(event.target)) {
      check(event.target, true);
      changed();
    }
  });

  form.addEventListener("change", function (event) {
    if (isCell(event.target)) {
      check(event.target, false);
    }
  });

  form.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!isCell(input) || event.altKey || event.ctrlKey || event.metaKey || event.isComposing) {
      return;
    }
    if (event.key === "Enter") {
      // Enter confirms the cell and goes down, as in a spreadsheet; it never sends the form.
      event.preventDefault();
      check(input, false);
      if (!move(input, 1) && saveButton) {
        saveButton.focus();
      }
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      move(input, 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      move(input, -1);
    } else if (event.key === "F2") {
      event.preventDefault();
      if (editing !== input) {
        startEditing(input);
      }
    } else if (event.key === "Escape" && editing === input) {
      // Escape gives up the edit: the value it began with comes back, selected again.
      event.preventDefault();
      input.value = editingFrom;
      stopEditing();
      input.select();
      check(input, true); // as while typing: leaving the cell checks it in full
      changed();
    }
  });

  // A click (or a tap) selects the whole value, which the browser's own caret placement on
  // mouseup would undo if it were done on focus; hence on click, which comes after. In a cell
  // being edited a click places the caret, as it does in a spreadsheet's cell.
  form.addEventListener("click", function (event) {
    var input = event.target;
    if (isCell(input) && editing !== input) {
      input.select();
    }
  });

  // A double click comes after its two clicks (which selected the value): edit in place. In a
  // cell already being edited it selects a word, as the browser does.
  form.addEventListener("dblclick", function (event) {
    var input = event.target;
    if (isCell(input) && editing !== input) {
      startEditing(input);
    }
  });

  // Leaving the cell ends the edit. When the whole window loses the focus (another program,
  // another tab) the cell stays the document's active element and keeps its edit for the return.
  form.addEventListener("focusout", function (event) {
    if (event.target === editing && document.activeElement !== editing) {
      stopEditing();
    }
  });

  // A column copied from Excel arrives as lines: the first goes into this cell, the next into
  // the row below, and so on. A line that falls on a student who is not admitted is left out.
  form.addEventListener("paste", function (event) {
    var input = event.target;
    if (!isCell(input)) {
      return;
    }
    var text = (event.clipboardData || window.clipboardData).getData("text");
    if (!/[\r\n\t]/.test(text)) {
      return; // one value: the browser pastes it as usual
    }
    event.preventDefault();
    var lines = text.replace(/\r\n?/g, "\n").split("\n");
    if (lines.length > 1 && lines[lines.length - 1] === "") {
      lines.pop(); // a copied column ends with a line break
    }
    var start = rows.indexOf(input);
    var pasted = 0;
    var skipped = 0;
    var last = input;
    lines.forEach(function (line, offset) {
      var target = rows[start + offset];
      var value = line.split("\t")[0].trim();
      if (!target) {
        return;
      }
      if (!isCell(target)) {
        if (value) {
          skipped += 1;
        }
        return;
      }
      target.value = value;
      check(target, false);
      pasted += 1;
      last = target;
    });
    var overflow = Math.max(0, lines.length - (rows.length - start));
    var notes = [format(form.dataset.messagePasted, { count: pasted })];
    if (overflow) {
      notes.push(format(form.dataset.messageOverflow, { count: overflow }));
    }
    if (skipped) {
      notes.push(format(form.dataset.messageSkipped, { count: skipped }));
    }
    say(notes.join(" "));
    changed();
    focusCell(last);
  });

  form.addEventListener("submit", function (event) {
    var bad = cells.filter(function (input) { return !check(input, false); });
    if (bad.length) {
      event.preventDefault();
      say(form.dataset.messageFix);
      focusCell(bad[0]);
      return;
    }
    leaving = true;
  });

  document.addEventListener("keydown", function (event) {
    // Ctrl+S (⌘S) saves; event.code keeps it working with a Kyrgyz or Russian layout.
    if ((event.ctrlKey || event.metaKey) && !event.altKey &&
        (event.code === "KeyS" || (event.key || "").toLowerCase() === "s")) {
      event.preventDefault();
      save();
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirty && !leaving) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Submitting, locking: never with unsaved grades, and not by accident with empty cells.
  Array.prototype.forEach.call(document.querySelectorAll(".workflow-form"), function (other) {
    other.addEventListener("submit", function (event) {
      if (dirty && other.dataset.messageUnsaved) {
        event.preventDefault();
        say(other.dataset.messageUnsaved);
        if (saveButton) {
          saveButton.focus();
        }
        return;
      }
      // Submitting always asks (a submitted sheet is read-only until the head reopens it);
      // with empty cells the question says how many.
      var empty = Number(counter.dataset.empty || "0");
      var question = other.dataset.confirmEmpty && empty > 0
        ? format(other.dataset.confirmEmpty, { empty: empty })
        : other.dataset.confirm;
      if (question && !window.confirm(question)) {
        event.preventDefault();
        return;
      }
      leaving = true;
    });
  });

  var firstBad = form.querySelector("input.grade[aria-invalid='true']:not([disabled])");
  if (firstBad) {
    focusCell(firstBad);
  }
})();
