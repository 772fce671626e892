export { applyOperatorAction, type OperatorAction } from './operator-actions.ts';
export { registerOperatorActionRoutes } from './operator-routes.ts';
