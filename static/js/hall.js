/* Small behaviours of the hall's pages, from static files (the CSP allows no inline script).
 *
 * data-autosubmit on a form field sends its form as soon as the field changes.
 */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field && field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });
})();
