// Start GOV.UK Frontend's components (error summary focus, password reveal, service navigation...).
// Loaded with <script type="module">, so browsers that cannot run it get the plain, working pages.
import { initAll } from "./govuk-frontend.min.js";

initAll();
