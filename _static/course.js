// The course's additions to the theme's scripts (Jupyter Book adds every .js file in
// _static/ to every page).
//
// Search snippets: Sphinx's search takes the text of a result page's [role=main], which in
// this theme begins with the article's header buttons ("Launch Binder Colab .ipynb .md
// .pdf ...") and ends with the previous/next links. Keep only the article itself.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") {
    return;
  }
  const pageText = Search.htmlToText;
  const chrome = [
    ".bd-header-article", ".header-article", ".prev-next-area", ".bd-sidebar-secondary",
    ".bd-footer-article", ".bd-footer-content", ".bd-footer", "button", "mjx-assistive-mml",
  ].join(", ");
  Search.htmlToText = (htmlString, anchor) => {
    const doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll(chrome).forEach((el) => el.remove());
    return pageText(doc.documentElement.outerHTML, anchor);
  };
});
