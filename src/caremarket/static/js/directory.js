// Directory enhancements. Every page works without this file: the place box is a plain text
// input and the shortlist prints with the browser's own print command.
(function () {
  "use strict";

  // The place box suggests councils and areas as the resident types (accessible-autocomplete),
  // while still accepting any postcode typed in full.
  function enhancePlaceBox() {
    var box = document.getElementById("place-box");
    var input = document.getElementById("id_postcode");
    if (!box || !input || typeof window.accessibleAutocomplete !== "function") return;
    var url = box.getAttribute("data-suggest-url");
    var value = input.value;
    var describedBy = input.getAttribute("aria-describedby");
    var hasError = input.classList.contains("govuk-input--error");
    box.removeChild(input);
    window.accessibleAutocomplete({
      element: box,
      id: "id_postcode",
      name: "postcode",
      defaultValue: value,
      minLength: 2,
      showNoOptionsFound: false,
      confirmOnBlur: false,
      autoselect: false,
      displayMenu: "overlay",
      source: function (query, populate) {
        fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { places: [] }; })
          .then(function (data) { populate(data.places || []); })
          .catch(function () { populate([]); });
      },
    });
    var made = document.getElementById("id_postcode");
    if (made) {
      if (describedBy) {
        var own = made.getAttribute("aria-describedby");
        made.setAttribute("aria-describedby", own ? own + " " + describedBy : describedBy);
      }
      if (hasError) made.classList.add("govuk-input--error");
    }
  }

  function start() {
    enhancePlaceBox();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
