// The survey page: the proposed class and its explanation follow the figures as they are typed.
// The server classifies (POST /api/v1/reviews/<id>/classify/); nothing is saved until "Save".
(function () {
  "use strict";
  var form = document.querySelector("form[data-classify-url]");
  var box = document.getElementById("proposal");
  if (!form || !box || !window.fetch) return;
  var timer = null;
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");

  function figures() {
    var body = { deprivations: [] };
    var income = form.querySelector("[name=income_per_capita]");
    var score = form.querySelector("[name=score_a]");
    if (income && income.value !== "") body.income_per_capita = income.value;
    if (score && score.value !== "") body.score_a = score.value;
    form.querySelectorAll("[name=deprivations]:checked").forEach(function (box) {
      body.deprivations.push(box.value);
    });
    return body;
  }

  function show(answer) {
    box.querySelector("[data-proposal-label]").textContent = answer.proposed_status_label;
    box.querySelector("[data-proposal-score]").textContent = answer.score_b;
    var list = box.querySelector("[data-proposal-lines]");
    list.textContent = "";
    (answer.explanation || []).forEach(function (line) {
      var item = document.createElement("li");
      item.textContent = line;
      list.appendChild(item);
    });
  }

  function classify() {
    fetch(form.getAttribute("data-classify-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": token ? token.value : "",
        "Accept-Language": document.documentElement.lang || "vi"
      },
      body: JSON.stringify(figures())
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) { if (answer) show(answer); })
      .catch(function () { /* offline: the class is computed again on save */ });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(classify, 300);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
