// eslint for our own JavaScript: the browser modules under static/js and their node tests.
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      // The pages load d3 and cytoscape as classic scripts before our modules.
      globals: { ...globals.browser, d3: "readonly", cytoscape: "readonly" },
    },
  },
  {
    // A classic script: cytoscape-edgehandles reads it from window._ before any module runs.
    files: ["static/js/designer/lodash-shim.js"],
    languageOptions: { sourceType: "script" },
  },
  {
    files: ["tests/js/**/*.js", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node } },
  },
];
