export {
  applicationState,
  Applications,
  PAUSED_ANNOTATION,
  type Application,
  type ApplicationState,
} from './applications.js';
